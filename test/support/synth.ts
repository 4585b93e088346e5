import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/synth/input";
import { synthesize, type SynthResult } from "../../tools/synth/run";

const cache = new Map<string, Promise<SynthResult>>();

/** The offline preview of a project stack, computed once per test run (stacks are read-only inputs). */
export function synthOnce(stack: string): Promise<SynthResult> {
  if (!cache.has(stack)) cache.set(stack, synthesize(stack));
  return cache.get(stack)!;
}

/** `npm run synth -- <args>` in a fresh process, as users run it. */
export function runSynthCli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(
    process.execPath,
    ["-r", path.join(PROJECT_DIR, "tools/ts-register.js"), path.join(PROJECT_DIR, "tools/synth/cli.ts"), ...args],
    { cwd: PROJECT_DIR, encoding: "utf8" },
  );
}
