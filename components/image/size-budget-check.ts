import * as pulumi from "@pulumi/pulumi";

import { SIZE_CHECK_KIND } from "../../lib/size-budget-contract";
import { measureImageSizes } from "./registry/client";

const MIB = 1024 * 1024;

export interface SizeBudgetViolation {
  platform: string;
  bytes: number;
  budgetMiB: number;
  /** e.g. `platform linux/arm64 is 212.3 MiB compressed, over the size budget of 200 MiB (image.sizeBudgetMiB)` */
  message: string;
}

/** Bytes as MiB with one decimal, e.g. `148.2`. */
export function formatMiB(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

/**
 * Every platform whose compressed size (config + layers, bytes) is over the budget (a positive number of
 * MiB), in platform order. No budget → no violations.
 */
export function checkSizeBudget(sizes: Record<string, number>, budgetMiB: number | undefined): SizeBudgetViolation[] {
  if (budgetMiB === undefined) return [];
  return Object.keys(sizes)
    .sort()
    .filter((platform) => sizes[platform] > budgetMiB * MIB)
    .map((platform) => ({
      platform,
      bytes: sizes[platform],
      budgetMiB,
      message: `platform ${platform} is ${formatMiB(sizes[platform])} MiB compressed, over the size budget of ${budgetMiB} MiB (image.sizeBudgetMiB)`,
    }));
}

/** What the dynamic provider receives. `registryPassword` arrives as a secret and is never returned. */
interface SizeBudgetInputs {
  kind: typeof SIZE_CHECK_KIND;
  imageRef: string;
  sizeBudgetMiB?: number;
  registryUsername?: string;
  registryPassword?: string;
  registryScheme?: "http" | "https";
}

interface SizeBudgetOutputs {
  kind: typeof SIZE_CHECK_KIND;
  imageRef: string;
  sizeBudgetMiB?: number;
  /** Compressed bytes per platform. */
  sizes: Record<string, number>;
}

/**
 * Measures the pushed image and fails when a platform is over budget. Runs in the dynamic-provider
 * host, so everything it uses is reached through the serialised closure (no module-level state).
 */
export async function measureAndCheck(inputs: SizeBudgetInputs): Promise<SizeBudgetOutputs> {
  const credentials =
    inputs.registryUsername && inputs.registryPassword !== undefined
      ? { username: inputs.registryUsername, password: inputs.registryPassword }
      : undefined;
  const sizes = await measureImageSizes(inputs.imageRef, { credentials, scheme: inputs.registryScheme });
  const violations = checkSizeBudget(sizes, inputs.sizeBudgetMiB);
  if (violations.length > 0) {
    throw new Error(`image ${inputs.imageRef} is over its size budget: ${violations.map((v) => v.message).join("; ")}`);
  }
  return { kind: SIZE_CHECK_KIND, imageRef: inputs.imageRef, sizeBudgetMiB: inputs.sizeBudgetMiB, sizes };
}

export const sizeBudgetProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SizeBudgetInputs) {
    const outs = await measureAndCheck(inputs);
    return { id: inputs.imageRef, outs };
  },
  // A digest ref is immutable, so only a new ref or a new budget calls for a new measurement.
  async diff(_id: string, olds: SizeBudgetOutputs, news: SizeBudgetInputs) {
    const changes = olds.imageRef !== news.imageRef || olds.sizeBudgetMiB !== news.sizeBudgetMiB;
    return { changes };
  },
  async update(_id: string, _olds: SizeBudgetOutputs, news: SizeBudgetInputs) {
    return { outs: await measureAndCheck(news) };
  },
};

export interface ImageSizeBudgetArgs {
  /** The pushed image, by digest (`repo@sha256:…`; an index for multi-platform images). */
  imageRef: pulumi.Input<string>;
  /** Largest allowed compressed size of each platform, a positive number of MiB. Undefined: measure only. */
  sizeBudgetMiB?: number;
  /** Registry user, when the registry asks for credentials. */
  registryUsername?: pulumi.Input<string>;
  /** Registry password or token; made a secret here whatever it was given as. */
  registryPassword?: pulumi.Input<string>;
  /** Overrides http for loopback registries / https otherwise. */
  registryScheme?: "http" | "https";
}

/**
 * Records the compressed size of each platform of a pushed image and fails the update, before the
 * app rolls out, when one exceeds the budget. Create it with `dependsOn` the image or index.
 * Props the policy pack reads: `kind`, `imageRef`, `sizeBudgetMiB`, `sizes` (unknown in preview).
 */
export class ImageSizeBudget extends pulumi.dynamic.Resource {
  declare readonly kind: pulumi.Output<string>;
  declare readonly imageRef: pulumi.Output<string>;
  declare readonly sizeBudgetMiB: pulumi.Output<number | undefined>;
  /** Compressed bytes per platform, e.g. `{"linux/amd64": 48_213_004}`. */
  declare readonly sizes: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: ImageSizeBudgetArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sizeBudgetProvider,
      name,
      {
        kind: SIZE_CHECK_KIND,
        imageRef: args.imageRef,
        sizeBudgetMiB: args.sizeBudgetMiB,
        registryUsername: args.registryUsername,
        registryPassword: args.registryPassword === undefined ? undefined : pulumi.secret(args.registryPassword),
        registryScheme: args.registryScheme,
        sizes: undefined,
      },
      { ...opts, additionalSecretOutputs: ["registryPassword"] },
    );
  }
}
