/** Every policy of the pack, in report order. Importing this never starts the analyzer server. */
import { Policies } from "@pulumi/policy";
import { buildRegistryCache } from "./build-registry-cache";
import { containerResourceLimits } from "./container-resource-limits";
import { imageHealthcheck } from "./image-healthcheck";
import { imageSizeBudgetDeclared } from "./image-size-budget-declared";
import { imageSizeWithinBudget } from "./image-size-within-budget";
import { imageVulnerabilityGate } from "./image-vulnerability-gate";
import { imagesPinnedByDigest } from "./images-pinned-by-digest";
import { noSecretLiterals } from "./no-secret-literals";
import { nonRootImageUser } from "./non-root-image-user";
import { nonRootWorkloads } from "./non-root-workloads";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { redisDataProtected } from "./redis-data-protected";
import { volumeClaimSize } from "./volume-claim-size";
import { workloadHealthProbes } from "./workload-health-probes";

export const policies: Policies = [
  nonRootWorkloads,
  nonRootImageUser,
  workloadHealthProbes,
  imageHealthcheck,
  imageSizeBudgetDeclared,
  imageSizeWithinBudget,
  imageVulnerabilityGate,
  containerResourceLimits,
  volumeClaimSize,
  imagesPinnedByDigest,
  buildRegistryCache,
  readOnlyRootFilesystem,
  noSecretLiterals,
  redisDataProtected,
];
