/**
 * The moontv-guard CrossGuard pack. This is the only module that constructs the PolicyPack: doing so
 * starts the analyzer's gRPC server (and prints its port), and a second pack in one process exits it.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("moontv-guard", {
  description:
    "MoonTV guard rails: non-root, health checks, size budgets, vulnerability gate, pinned images, build cache, secrets and data protection.",
  // Fails closed: without --policy-pack-config every policy is mandatory with prod's ceilings;
  // policy/config/dev.json relaxes the prod-grade ones.
  enforcementLevel: "mandatory",
  policies,
});
