/**
 * `npm run bench`: median wall time of the offline preview (`npm run synth -- <stack>`, a fresh node
 * process each run, as a user runs it) for each stack. Goal: under 5 s for prod on 2 cores.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GOAL_MS = 5000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeSynth(stack: string): number {
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(ROOT, "tools/ts-register.js"), path.join(ROOT, "tools/synth/cli.ts"), stack],
    { cwd: ROOT, encoding: "utf8" },
  );
  const ms = performance.now() - start;
  // Exit 1 (a mandatory policy violation) still measures a full run; anything else is a failure.
  if (r.status !== 0 && r.status !== 1) throw new Error(`synth ${stack} exited ${r.status}: ${r.stderr}`);
  return ms;
}

for (const stack of ["dev", "prod"]) {
  timeSynth(stack); // warm the file-system cache; not counted
  const times = Array.from({ length: RUNS }, () => timeSynth(stack));
  const m = median(times);
  console.log(
    `synth ${stack}: median ${(m / 1000).toFixed(2)} s over ${RUNS} runs (min ${(Math.min(...times) / 1000).toFixed(2)} s, max ${(Math.max(...times) / 1000).toFixed(2)} s)` +
      (stack === "prod" ? `; goal < ${GOAL_MS / 1000} s: ${m < GOAL_MS ? "met" : "NOT met"}` : ""),
  );
}
