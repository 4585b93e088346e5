export * from "./errors";
export * from "./ref";
export * from "./auth";
export * from "./media-types";
export * from "./client";
