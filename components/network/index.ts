export * from "./args";
export { buildNetworkPolicies } from "./policies";
export * from "./network-isolation";
