export * from "./settings";
export * from "./outputs";
export * from "./reader";
