export * from "./registry";
export * from "./platforms";
export * from "./tags";
export * from "./cache";
export * from "./base-images";
export * from "./size-budget";
export * from "./build-plan";
export * from "./staged-image";
