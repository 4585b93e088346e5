export * from "./provider";
export * from "./namespace";
export * from "./platform";
