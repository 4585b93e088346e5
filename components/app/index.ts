export * from "./names";
export * from "./env";
export * from "./scripts";
export * from "./deployment";
export * from "./app";
export * from "./operations";
