export * from "./labels";
export * from "./security";
export * from "./pinned-image";
export * from "./claims";
export * from "./mirror";
export * from "./store";
