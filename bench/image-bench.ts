// `npm run bench:image` (issue 6 part 4): builds the fixture app with the project's four-stage
// Dockerfile and with a naive single-stage baseline, each from a cold buildah storage, then after a
// source-only change, then with no change; prints times, cached-step shares and sizes, then the
// ratios. The last three lines have a fixed form so that runs can be compared.
// Flags: --check exits 1 when a goal is missed. Set MOONTV_IMAGE_VERBOSE=1 to see buildah's output.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOCKERFILE_PATH, DOCKERIGNORE_PATH, dockerfileBuildArgs } from "../components/image/dockerfile";
import type { Buildah, BuildReport } from "../engine/image/buildah";
import { BuildEnv, copyFixture, openBuildEnv, treeBytes } from "../engine/image/pipeline";

const BASELINE_DOCKERFILE = path.join(__dirname, "baseline.Dockerfile");
const SOURCE_FILE = "src/app/login/page.tsx";
const APP_FILES = [".next/standalone", ".next/static", "public", "scripts", "start.js", "config.json"];

interface VariantResult {
  name: string;
  cold: BuildReport;
  sourceOnly: BuildReport;
  noChange: BuildReport;
  bytes: number;
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (r: BuildReport) => `${r.seconds.toFixed(1)} s`;
const cachedShare = (r: BuildReport) => (r.steps.length === 0 ? 0 : r.steps.filter((s) => s.cached).length / r.steps.length);
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

async function variant(env: BuildEnv, name: string, work: string, build: (b: Buildah, tag: string) => Promise<BuildReport>): Promise<VariantResult & { buildah: Buildah }> {
  const b = await env.newBuildah(`bench-${name}`);
  const tag = `localhost/moontv-bench-${name}:latest`;
  process.stderr.write(`[bench] ${name}: cold build…\n`);
  const cold = await build(b, tag);
  const file = path.join(work, SOURCE_FILE);
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("</main>", "  <p>source-only change</p>\n    </main>"));
  process.stderr.write(`[bench] ${name}: rebuild after a source-only change…\n`);
  const sourceOnly = await build(b, tag);
  process.stderr.write(`[bench] ${name}: rebuild with no change…\n`);
  const noChange = await build(b, tag);
  return { name, cold, sourceOnly, noChange, bytes: await imageBytes(b, tag), buildah: b };
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const verbose = !!process.env.MOONTV_IMAGE_VERBOSE;
  const started = Date.now();
  const env = await openBuildEnv();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-image-bench-"));
  try {
    const args = dockerfileBuildArgs({ buildBaseImage: env.images.buildBase, runtimeBaseImage: env.images.runtimeBase });
    const stagedDir = await copyFixture(path.join(scratch, "staged"));
    const baselineDir = await copyFixture(path.join(scratch, "baseline"));
    const staged = await variant(env, "staged", stagedDir, (b, tag) =>
      b.bud({ contextDir: stagedDir, dockerfile: DOCKERFILE_PATH, ignoreFile: DOCKERIGNORE_PATH, target: "runner", tag, buildArgs: args, echo: verbose }),
    );
    // What the runner may contain: the runtime base plus the app's output, measured in the builder.
    await staged.buildah.bud({ contextDir: stagedDir, dockerfile: DOCKERFILE_PATH, ignoreFile: DOCKERIGNORE_PATH, target: "builder", tag: "localhost/moontv-bench-builder:latest", buildArgs: args });
    const appBytes = await imageBytes(staged.buildah, "localhost/moontv-bench-builder:latest", APP_FILES.map((f) => `app/${f}`));
    const runtimeBaseBytes = await imageBytes(staged.buildah, env.images.runtimeBase);
    await staged.buildah.destroy();
    const baseline = await variant(env, "baseline", baselineDir, (b, tag) =>
      b.bud({ contextDir: baselineDir, dockerfile: BASELINE_DOCKERFILE, tag, buildArgs: { BUILD_BASE_IMAGE: env.images.buildBase }, echo: verbose }),
    );
    await baseline.buildah.destroy();

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
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log("image build benchmark: test/fixtures/app, buildah (overlay, chroot), stand-in bases");
    for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    const allowed = runtimeBaseBytes + appBytes;
    console.log(`runtime base ${mb(runtimeBaseBytes)} + app output ${mb(appBytes)} = ${mb(allowed)}; staged image is ${pct(staged.bytes / allowed)} of that`);

    const sizeRatio = staged.bytes / baseline.bytes;
    const rebuildRatio = staged.sourceOnly.seconds / staged.cold.seconds;
    const noChangeCached = cachedShare(staged.noChange);
    const installRerun = staged.sourceOnly.steps.some((s) => isInstall(s.instruction) && !s.cached);
    const goals: Array<[string, boolean]> = [
      ["staged size <= 30% of the baseline", sizeRatio <= 0.3],
      ["staged size within 15% of runtime base + app output", staged.bytes <= allowed * 1.15],
      ["dependency install not re-run on a source-only change", !installRerun && staged.sourceOnly.steps.some((s) => isInstall(s.instruction))],
      ["staged source-only rebuild <= 60% of its cold build", rebuildRatio <= 0.6],
      ["no-change rebuild takes every step from cache", noChangeCached === 1],
    ];
    for (const [g, ok] of goals) console.log(`goal ${ok ? "met" : "MISSED"}: ${g}`);
    console.log(`bench time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`size ratio: ${sizeRatio.toFixed(2)}`);
    console.log(`source-only rebuild ratio: ${rebuildRatio.toFixed(2)}`);
    console.log(`cached steps (no-change rebuild): ${Math.round(noChangeCached * 100)}%`);
    if (check && goals.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    await env.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`bench:image failed: ${err.message}`);
  process.exit(1);
});
