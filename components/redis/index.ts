export * from "./names";
export * from "./config";
export * from "./image";
export * from "./statefulset";
export * from "./redis";
