import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isSettingsError } from "../../stacks/settings/errors";
import { setDigestResolver } from "../../components/shared/pinned-image";
import { setCommitResolver, simulatedCommit } from "../../components/image/git-source";
import { mockConfigFromFiles, type MockConfig } from "./stack-config";
import { withoutProviderCode } from "./dynamic-providers";
import { fakeDigest, mocks, recordingMonitor } from "./recorder";
import { PROJECT_DIR, PROJECT_NAME, SynthInputError } from "./input";
import type { RecordedResource } from "../policy/types";

export interface SynthResult {
  stack: string;
  resources: RecordedResource[];
  /** The stack outputs, resolved; secret ones as `{ secret: true, value }`. */
  outputs: Record<string, { secret: boolean; value: unknown }>;
  /** Placeholders that stood in for `secure:` values (for leak checks). */
  placeholders: string[];
}

/** The stacks that have a `Pulumi.<stack>.yaml` beside Pulumi.yaml. */
export function listStacks(projectDir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export function loadMockConfig(stack: string, projectDir = PROJECT_DIR): MockConfig {
  const stacks = listStacks(projectDir);
  if (!stacks.includes(stack)) {
    throw new SynthInputError(
      `unknown stack "${stack}": there is no Pulumi.${stack}.yaml; known stacks: ${stacks.join(", ")}`,
    );
  }
  const read = (f: string) => fs.readFileSync(path.join(projectDir, f), "utf8");
  try {
    return mockConfigFromFiles(read("Pulumi.yaml"), read(`Pulumi.${stack}.yaml`), `Pulumi.${stack}.yaml`);
  } catch (err) {
    throw new SynthInputError((err as Error).message);
  }
}

export interface SynthOptions {
  /** The directory of Pulumi.yaml and Pulumi.<stack>.yaml. Default: the project's. */
  stackDir?: string;
  /** The program to run. Default: the project's index.ts. */
  program?: string;
}

/**
 * Runs the program under the mock runtime with the stack's config, as `pulumi preview` would, and
 * returns every registered resource. Re-entrant: each call resets the runtime and reloads the program.
 */
export async function synthesize(
  stack: string,
  { stackDir = PROJECT_DIR, program = path.join(PROJECT_DIR, "index.ts") }: SynthOptions = {},
): Promise<SynthResult> {
  const mockConfig = loadMockConfig(stack, stackDir);
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(mockConfig.config, mockConfig.secretKeys);
  // Offline: the digest a registry would give is simulated, sha256 of the ref.
  setDigestResolver(async (ref) => fakeDigest(ref));
  // …and so is the commit a git context's branch or tag names now.
  setCommitResolver(async (url, ref) => simulatedCommit(url, ref));
  await pulumi.runtime.setMocks(mocks, PROJECT_NAME, stack, true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    setMockOptions(...a: unknown[]): void;
    waitForRPCs(): Promise<void>;
  };
  settings.setMockOptions(recordingMonitor(resources), PROJECT_NAME, stack, true);

  const outputs = await withoutProviderCode(() => runProgram(program, settings.waitForRPCs));
  return { stack, resources, outputs, placeholders: mockConfig.placeholders };
}

/** Loads the program anew, resolves its exports and waits for every resource it registers. */
async function runProgram(program: string, waitForRPCs: () => Promise<void>): Promise<SynthResult["outputs"]> {
  const entry = require.resolve(path.resolve(program));
  delete require.cache[entry];
  let exported: Record<string, pulumi.Output<unknown>>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(entry);
  } catch (err) {
    if (isSettingsError(err)) throw new SynthInputError(err.message);
    throw err;
  }
  const outputs: SynthResult["outputs"] = {};
  for (const [key, out] of Object.entries(exported)) {
    const o = pulumi.output(out);
    outputs[key] = { secret: await pulumi.isSecret(o), value: await unwrap(o) };
  }
  await waitForRPCs();
  return outputs;
}

function unwrap<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    o.apply((v) => {
      resolve(v);
      return v;
    }),
  );
}
