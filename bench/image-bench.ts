// `npm run bench:image`: builds the fixture app with the project's four-stage Dockerfile and with a
// naive single-stage baseline, cold, after a source-only change and with no change, by two builders:
//  - buildah, each variant from a cold storage (layer cache and cache mounts local);
//  - BuildKit, the local cluster's buildkitd through buildx with StagedImage's registry cache, plus the
//    same two rebuilds on a wiped builder (as on another machine: the registry cache only).
// Prints times, cached-step shares and sizes, the goals, then ratios in a fixed form to compare runs.
// Flags: --check exits 1 when a goal is missed; --only=buildah or --only=buildkit runs one column.
// MOONTV_IMAGE_VERBOSE=1 shows the builders' output.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOCKERFILE_PATH, DOCKERIGNORE_PATH, dockerfileBuildArgs } from "../components/image/dockerfile";
import { IMAGE_BUILD_DEFAULTS } from "../stacks/settings/defaults";
import type { Buildah, BuildReport } from "../engine/image/buildah";
import { BuildEnv, copyFixture, makeSourceOnlyChange, openBuildEnv, treeBytes } from "../engine/image/pipeline";
import { ensureCluster, engineEnv, releaseCluster } from "../test/e2e/support/engine";
import { measureBuildkit, type BuildkitBuild, type BuildkitColumn } from "./buildkit-column";

const BASELINE_DOCKERFILE = path.join(__dirname, "baseline.Dockerfile");
const APP_FILES = [".next/standalone", ".next/static", "public", "scripts", "start.js", "config.json"];

interface VariantResult {
  name: string;
  cold: BuildReport;
  sourceOnly: BuildReport;
  noChange: BuildReport;
  bytes: number;
}

/** The Dockerfile's build args on the stand-in bases, for the stacks' default Node version. */
const standInBuildArgs = (bases: { buildBase: string; runtimeBase: string }) =>
  dockerfileBuildArgs({
    nodeVersion: IMAGE_BUILD_DEFAULTS.nodeVersion,
    buildBaseImage: bases.buildBase,
    runtimeBaseImage: bases.runtimeBase,
  });

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (r: BuildReport) => `${r.seconds.toFixed(1)} s`;
const cachedShare = (r: BuildReport) =>
  r.steps.length === 0 ? 0 : r.steps.filter((s) => s.cached).length / r.steps.length;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const isInstall = (instruction: string) => /\binstall --frozen-lockfile\b/.test(instruction);

/** Size of an image's content: du of its mounted root file system. */
async function imageBytes(b: Buildah, image: string, sub: string[] = ["."]): Promise<number> {
  const { cid, root } = await b.mountImage(image);
  try {
    let total = 0;
    for (const s of sub) total += await treeBytes(path.join(root, s));
    return total;
  } finally {
    await b.removeContainer(cid);
  }
}

async function variant(
  env: BuildEnv,
  name: string,
  work: string,
  build: (b: Buildah, tag: string) => Promise<BuildReport>,
): Promise<VariantResult & { buildah: Buildah }> {
  const b = await env.newBuildah(`bench-${name}`);
  const tag = `localhost/moontv-bench-${name}:latest`;
  process.stderr.write(`[bench] ${name}: cold build…\n`);
  const cold = await build(b, tag);
  makeSourceOnlyChange(work, 1);
  process.stderr.write(`[bench] ${name}: rebuild after a source-only change…\n`);
  const sourceOnly = await build(b, tag);
  process.stderr.write(`[bench] ${name}: rebuild with no change…\n`);
  const noChange = await build(b, tag);
  return { name, cold, sourceOnly, noChange, bytes: await imageBytes(b, tag), buildah: b };
}

interface BuildahColumns {
  staged: VariantResult;
  baseline: VariantResult;
  appBytes: number;
  runtimeBaseBytes: number;
}

async function measureBuildah(scratch: string, verbose: boolean): Promise<BuildahColumns> {
  const env = await openBuildEnv();
  try {
    const args = standInBuildArgs(env.images);
    const stagedDir = await copyFixture(path.join(scratch, "staged"));
    const baselineDir = await copyFixture(path.join(scratch, "baseline"));
    const staged = await variant(env, "staged", stagedDir, (b, tag) =>
      b.bud({
        contextDir: stagedDir,
        dockerfile: DOCKERFILE_PATH,
        ignoreFile: DOCKERIGNORE_PATH,
        target: "runner",
        tag,
        buildArgs: args,
        echo: verbose,
      }),
    );
    // What the runner may contain: the runtime base plus the app's output, measured in the builder.
    await staged.buildah.bud({
      contextDir: stagedDir,
      dockerfile: DOCKERFILE_PATH,
      ignoreFile: DOCKERIGNORE_PATH,
      target: "builder",
      tag: "localhost/moontv-bench-builder:latest",
      buildArgs: args,
    });
    const appBytes = await imageBytes(
      staged.buildah,
      "localhost/moontv-bench-builder:latest",
      APP_FILES.map((f) => `app/${f}`),
    );
    const runtimeBaseBytes = await imageBytes(staged.buildah, env.images.runtimeBase);
    await staged.buildah.destroy();
    const baseline = await variant(env, "baseline", baselineDir, (b, tag) =>
      b.bud({
        contextDir: baselineDir,
        dockerfile: BASELINE_DOCKERFILE,
        tag,
        buildArgs: { BUILD_BASE_IMAGE: env.images.buildBase },
        echo: verbose,
      }),
    );
    await baseline.buildah.destroy();
    return { staged, baseline, appBytes, runtimeBaseBytes };
  } finally {
    await env.close();
  }
}

async function measureBuildkitColumn(scratch: string): Promise<BuildkitColumn> {
  const stagedDir = await copyFixture(path.join(scratch, "buildkit-staged"));
  // BuildKit reads the context's own .dockerignore (the settings require one of a local context).
  fs.copyFileSync(DOCKERIGNORE_PATH, path.join(stagedDir, ".dockerignore"));
  const baselineDir = await copyFixture(path.join(scratch, "buildkit-baseline"));
  return measureBuildkit(
    {
      stagedDir,
      baselineDir,
      dockerfile: DOCKERFILE_PATH,
      baselineDockerfile: BASELINE_DOCKERFILE,
      buildArgs: (bases) => ({ ...standInBuildArgs(bases) }),
    },
    (line) => process.stderr.write(`[bench] ${line}\n`),
  );
}

const share = (cached: number, all: number) => (all === 0 ? 0 : cached / all);
const kitShare = (b: BuildkitBuild) => share(b.cached.length, b.steps.length);
const kitSecs = (b: BuildkitBuild) => `${b.seconds.toFixed(1)} s`;
const kitInstallRerun = (b: BuildkitBuild) => b.steps.some((s) => isInstall(s) && !b.cached.includes(s));

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const only = /^--only=(buildah|buildkit)$/.exec(process.argv.find((a) => a.startsWith("--only=")) ?? "")?.[1];
  if (process.argv.some((a) => a.startsWith("--only=")) && !only) throw new Error("--only takes buildah or buildkit");
  const verbose = !!process.env.MOONTV_IMAGE_VERBOSE;
  const started = Date.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-image-bench-"));
  const goals: Array<[string, boolean]> = [];
  const figures: string[] = [];
  try {
    if (only !== "buildkit") {
      const { staged, baseline, appBytes, runtimeBaseBytes } = await measureBuildah(scratch, verbose);
      const rows: Array<[string, string, string]> = [
        ["", "staged (project Dockerfile)", "baseline (single stage)"],
        ["cold build", secs(staged.cold), secs(baseline.cold)],
        ["rebuild, source-only change", secs(staged.sourceOnly), secs(baseline.sourceOnly)],
        ["rebuild, no change", secs(staged.noChange), secs(baseline.noChange)],
        ["steps from cache, cold", pct(cachedShare(staged.cold)), pct(cachedShare(baseline.cold))],
        ["steps from cache, source-only", pct(cachedShare(staged.sourceOnly)), pct(cachedShare(baseline.sourceOnly))],
        ["steps from cache, no change", pct(cachedShare(staged.noChange)), pct(cachedShare(baseline.noChange))],
        [
          "install re-run on source-only",
          staged.sourceOnly.steps.some((s) => isInstall(s.instruction) && !s.cached) ? "yes" : "no",
          baseline.sourceOnly.steps.some((s) => /pnpm install/.test(s.instruction) && !s.cached) ? "yes" : "no",
        ],
        ["final image size", mb(staged.bytes), mb(baseline.bytes)],
      ];
      console.log("image build benchmark, buildah (overlay, chroot): test/fixtures/app, stand-in bases");
      printTable(rows);
      const allowed = runtimeBaseBytes + appBytes;
      console.log(
        `runtime base ${mb(runtimeBaseBytes)} + app output ${mb(appBytes)} = ${mb(allowed)}; staged image is ${pct(staged.bytes / allowed)} of that`,
      );
      const missed = staged.noChange.steps.filter((s) => !s.cached).map((s) => s.instruction);
      if (missed.length) console.log(`buildah no-change steps not from cache: ${missed.join(" | ")}`);
      const sizeRatio = staged.bytes / baseline.bytes;
      const rebuildRatio = staged.sourceOnly.seconds / staged.cold.seconds;
      const installRerun = staged.sourceOnly.steps.some((s) => isInstall(s.instruction) && !s.cached);
      goals.push(
        ["buildah: staged size <= 30% of the baseline", sizeRatio <= 0.3],
        ["buildah: staged size within 15% of runtime base + app output", staged.bytes <= allowed * 1.15],
        [
          "buildah: dependency install not re-run on a source-only change",
          !installRerun && staged.sourceOnly.steps.some((s) => isInstall(s.instruction)),
        ],
        ["buildah: staged source-only rebuild <= 60% of its cold build", rebuildRatio <= 0.6],
        ["buildah: no-change rebuild takes every step from cache", cachedShare(staged.noChange) === 1],
      );
      figures.push(
        `size ratio: ${sizeRatio.toFixed(2)}`,
        `source-only rebuild ratio: ${rebuildRatio.toFixed(2)}`,
        `cached steps (no-change rebuild): ${Math.round(cachedShare(staged.noChange) * 100)}%`,
      );
    }
    if (only !== "buildah") {
      const k = await measureBuildkitColumn(scratch);
      const rows: Array<[string, string, string]> = [
        ["", "time", "steps from cache"],
        ["cold build (wiped builder, no cache)", kitSecs(k.cold), pct(kitShare(k.cold))],
        ["rebuild, source-only change", kitSecs(k.sourceOnly), pct(kitShare(k.sourceOnly))],
        ["rebuild, no change", kitSecs(k.noChange), pct(kitShare(k.noChange))],
        [
          "source-only change, fresh builder",
          kitSecs(k.sourceOnlyFreshBuilder),
          pct(kitShare(k.sourceOnlyFreshBuilder)),
        ],
        ["no change, fresh builder", kitSecs(k.noChangeFreshBuilder), pct(kitShare(k.noChangeFreshBuilder))],
      ];
      console.log(
        "image build benchmark, BuildKit (the cluster's buildkitd via buildx, registry cache mode=max, pushed): same fixture and bases",
      );
      printTable(rows);
      const installRerun = kitInstallRerun(k.sourceOnlyFreshBuilder);
      console.log(`install re-run on source-only, fresh builder: ${installRerun ? "yes" : "no"}`);
      console.log(
        `pushed size (compressed, linux/amd64): staged ${mb(k.compressedBytes)}, single-stage baseline ${mb(k.baselineCompressedBytes)}`,
      );
      const slowest = (b: BuildkitBuild) =>
        b.timings
          .slice(0, 6)
          .map((t) => `${t.seconds.toFixed(1)} s ${t.name.slice(0, 70)}`)
          .join("\n    ");
      console.log(`where the time goes, cold:\n    ${slowest(k.cold)}`);
      console.log(`where the time goes, source-only on a fresh builder:\n    ${slowest(k.sourceOnlyFreshBuilder)}`);
      const missed = k.noChangeFreshBuilder.steps.filter((s) => !k.noChangeFreshBuilder.cached.includes(s));
      if (missed.length) console.log(`BuildKit no-change (fresh builder) steps not from cache: ${missed.join(" | ")}`);
      const sizeRatio = k.compressedBytes / k.baselineCompressedBytes;
      const freshRatio = k.sourceOnlyFreshBuilder.seconds / k.cold.seconds;
      goals.push(
        [
          "BuildKit: no-change rebuild on a fresh builder takes >= 95% of steps from the registry cache",
          kitShare(k.noChangeFreshBuilder) >= 0.95,
        ],
        ["BuildKit: source-only rebuild on a fresh builder <= 60% of cold", freshRatio <= 0.6],
        [
          "BuildKit: dependency install not re-run on a fresh builder",
          !installRerun && k.sourceOnlyFreshBuilder.steps.some(isInstall),
        ],
        ["BuildKit: staged image (compressed) <= 30% of the single-stage baseline", sizeRatio <= 0.3],
      );
      figures.push(
        `buildkit size ratio (compressed): ${sizeRatio.toFixed(2)}`,
        `buildkit source-only rebuild ratio, fresh builder: ${freshRatio.toFixed(2)}`,
        `buildkit source-only rebuild ratio, warm builder: ${(k.sourceOnly.seconds / k.cold.seconds).toFixed(2)}`,
        `buildkit cached steps (no change, fresh builder): ${Math.round(kitShare(k.noChangeFreshBuilder) * 100)}%`,
      );
    }
    for (const [g, ok] of goals) console.log(`goal ${ok ? "met" : "MISSED"}: ${g}`);
    console.log(`bench time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    for (const f of figures) console.log(f);
    if (check && goals.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function printTable(rows: Array<[string, string, string]>): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
}

/**
 * The BuildKit column runs against the local cluster (started here unless it is up, stopped after if so),
 * in a child process with the cluster's environment: Node reads NODE_EXTRA_CA_CERTS (the registry's CA)
 * only at start.
 */
function run(): void {
  const needsCluster = !process.argv.includes("--only=buildah");
  if (!needsCluster || process.env.MOONTV_BENCH_CHILD) {
    main().catch((err: Error) => {
      console.error(`bench:image failed: ${err.message}`);
      process.exit(1);
    });
    return;
  }
  ensureCluster();
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: engineEnv({ MOONTV_BENCH_CHILD: "1" }),
  });
  releaseCluster();
  process.exit(child.status ?? 1);
}

run();
