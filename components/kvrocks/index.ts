export * from "./names";
export * from "./config";
export * from "./statefulset";
export * from "./kvrocks";
