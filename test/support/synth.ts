import { synthesize, type SynthResult } from "../../tools/synth/run";

const cache = new Map<string, Promise<SynthResult>>();

/** The offline preview of a project stack, computed once per test run (stacks are read-only inputs). */
export function synthOnce(stack: string): Promise<SynthResult> {
  if (!cache.has(stack)) cache.set(stack, synthesize(stack));
  return cache.get(stack)!;
}
