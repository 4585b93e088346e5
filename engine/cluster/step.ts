/**
 * `cluster up` as a list of small steps behind one interface (as kind brings a cluster up): each prints
 * one status line with its time; a failing step is named with the component and its log's last lines.
 */
import type { Pki } from "./pki";
import type { Started } from "./processes";
import type { RegistryPki } from "./builder";

/** What the steps share: the processes started so far, and what later steps and .engine/env need. */
export interface ClusterContext {
  started: Started[];
  pki: Pki;
  apiPort?: number;
  registry?: { address: string; pki: RegistryPki };
  /** Platforms the builder serves (buildx's list). */
  platforms?: string;
  /** Variables .engine/env exports besides the engine's own. */
  env: Record<string, string>;
}

export interface Step {
  /** What the status line calls it: control plane, registry, builder, container runtime, node, … */
  name: string;
  /** Does the step's work; answers the detail of its status line. */
  run(ctx: ClusterContext): Promise<string>;
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    cause: Error,
  ) {
    super(`${step}: ${cause.message}`);
  }
}

/** Runs the steps in order, one status line each; the first failure stops the rest. */
export async function runSteps(steps: Step[], ctx: ClusterContext, log = console.log): Promise<void> {
  for (const step of steps) {
    const t0 = Date.now();
    let detail: string;
    try {
      detail = await step.run(ctx);
    } catch (err) {
      log(`cluster: ✗ ${step.name} (${seconds(t0)})`);
      throw new StepError(step.name, err as Error);
    }
    log(`cluster: ✓ ${step.name} (${seconds(t0)}): ${detail}`);
  }
}

function seconds(t0: number): string {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}
