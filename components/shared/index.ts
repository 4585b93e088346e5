export * from "./labels";
export * from "./security";
export * from "./pinned-image";
export * from "./annotations";
export * from "./claims";
export * from "./mirror";
export * from "./quantities";
export * from "./store";
