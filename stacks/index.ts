export * from "./settings";
export * from "./outputs";
