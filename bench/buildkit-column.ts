// The BuildKit column of `npm run bench:image`: the same fixture and Dockerfile built by the local
// cluster's buildkitd (buildx, the `remote` builder `npm run cluster -- up` makes), pushed to the
// cluster's registry with the registry cache StagedImage uses (cache-<arch>, mode max), as on a
// developer's machine (warm builder) and as on another machine (a wiped builder, registry cache only).
import * as path from "path";
import { cacheArgs, cacheRefs } from "../components/image/cache";
import { makeSourceOnlyChange } from "../engine/image/pipeline";
import { measureImageSizes } from "../components/image/registry";
import { buildSteps } from "../test/e2e/support/build-log";
import { BIN, run } from "../test/e2e/support/engine";
import { clusterImageEnv, wipeBuilder } from "../test/e2e/support/image-stack";

export interface BuildkitBuild {
  seconds: number;
  steps: string[];
  cached: string[];
  /** Every vertex BuildKit timed (build steps, cache import and export, pushes), slowest first. */
  timings: VertexTiming[];
}

export interface VertexTiming {
  name: string;
  seconds: number;
}

/** `#N <name>` … `#N DONE 12.3s` pairs of BuildKit's plain progress, slowest first. */
export function vertexTimings(output: string): VertexTiming[] {
  const names = new Map<string, string>();
  const done = new Map<string, number>();
  for (const line of output.split("\n")) {
    const named = /^#(\d+) ((?:\[[^\]]+\] )?[a-zA-Z].*)$/.exec(line);
    if (named && !names.has(named[1]) && !/^(DONE|CACHED|ERROR)\b/.test(named[2])) names.set(named[1], named[2].trim());
    const d = /^#(\d+) DONE (\d+(?:\.\d+)?)s\s*$/.exec(line);
    if (d) done.set(d[1], Number(d[2]));
  }
  return [...done.entries()]
    .map(([id, seconds]) => ({ name: names.get(id) ?? `#${id}`, seconds }))
    .sort((a, b) => b.seconds - a.seconds);
}

export interface BuildkitColumn {
  cold: BuildkitBuild;
  sourceOnly: BuildkitBuild;
  noChange: BuildkitBuild;
  sourceOnlyFreshBuilder: BuildkitBuild;
  noChangeFreshBuilder: BuildkitBuild;
  /** Compressed bytes of the pushed linux/amd64 image (config + layers), as the size budget counts them. */
  compressedBytes: number;
  baselineCompressedBytes: number;
}

const PLATFORM = "linux/amd64";

/** buildx's `--cache-from`/`--cache-to` values for StagedImage's registry cache of `repository`. */
export function buildxCacheFlags(repository: string): string[] {
  // cacheArgs gives plain values (Inputs only in type): the same entries StagedImage hands docker-build.
  type Plain = { registry: { ref: string; mode?: string; imageManifest?: boolean; ociMediaTypes?: boolean } };
  const { cacheFrom, cacheTo } = cacheArgs(
    cacheRefs(repository, PLATFORM, { branch: "main", mainBranch: "main" }),
  ) as unknown as { cacheFrom: Plain[]; cacheTo: Plain[] };
  const from = cacheFrom.map((c) => `type=registry,ref=${c.registry.ref}`);
  const to = cacheTo.map(
    ({ registry: r }) =>
      `type=registry,ref=${r.ref},mode=${r.mode},image-manifest=${r.imageManifest},oci-mediatypes=${r.ociMediaTypes}`,
  );
  return [...from.flatMap((f) => ["--cache-from", f]), ...to.flatMap((t) => ["--cache-to", t])];
}

export interface BuildxBuild {
  builder: string;
  contextDir: string;
  dockerfile: string;
  tag: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** Registry cache of this repository (StagedImage's flags); none for the baseline. */
  cacheRepository?: string;
}

/** `buildx build` arguments for one pushed build. */
export function buildxArgs(b: BuildxBuild): string[] {
  return [
    "build",
    "--builder",
    b.builder,
    "--progress",
    "plain",
    "--platform",
    PLATFORM,
    "--push",
    "-f",
    b.dockerfile,
    "-t",
    b.tag,
    ...(b.target ? ["--target", b.target] : []),
    ...Object.entries(b.buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...(b.cacheRepository ? buildxCacheFlags(b.cacheRepository) : []),
    b.contextDir,
  ];
}

async function buildx(b: BuildxBuild): Promise<BuildkitBuild> {
  const r = await run(path.join(BIN, "buildx"), buildxArgs(b), { cwd: b.contextDir, timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(`buildx build ${b.tag} exited ${r.code}:\n${r.output.slice(-6000)}`);
  if (process.env.MOONTV_IMAGE_VERBOSE) process.stderr.write(r.output);
  return { seconds: r.ms / 1000, ...buildSteps(r.output), timings: vertexTimings(r.output) };
}

async function compressedBytes(ref: string): Promise<number> {
  const sizes = await measureImageSizes(ref);
  if (sizes[PLATFORM] === undefined)
    throw new Error(`${ref}: no ${PLATFORM} image in the registry (got ${Object.keys(sizes).join(", ") || "none"})`);
  return sizes[PLATFORM];
}

export interface BuildkitBench {
  /** The staged context (a copy of the fixture with the project's .dockerignore). */
  stagedDir: string;
  baselineDir: string;
  dockerfile: string;
  baselineDockerfile: string;
  buildArgs(bases: { buildBase: string; runtimeBase: string }): Record<string, string>;
}

/**
 * Cold (wiped builder, new repository), source-only and no-change rebuilds on the warm builder, the same
 * two on a wiped builder from the registry cache, and the compressed sizes of the staged image and the
 * single-stage baseline. Needs the cluster's builder and registry (`npm run cluster -- up`).
 */
export async function measureBuildkit(b: BuildkitBench, log: (line: string) => void): Promise<BuildkitColumn> {
  const reg = clusterImageEnv();
  const repository = `${reg.registry}/bench/moontv-${Date.now().toString(36)}`;
  const staged = (): BuildxBuild => ({
    builder: reg.builder,
    contextDir: b.stagedDir,
    dockerfile: b.dockerfile,
    tag: `${repository}:bench`,
    target: "runner",
    buildArgs: b.buildArgs(reg),
    cacheRepository: repository,
  });
  log("buildkit: cold build (wiped builder, empty registry cache)…");
  wipeBuilder();
  const cold = await buildx(staged());
  makeSourceOnlyChange(b.stagedDir, 1);
  log("buildkit: rebuild after a source-only change…");
  const sourceOnly = await buildx(staged());
  log("buildkit: rebuild with no change…");
  const noChange = await buildx(staged());
  makeSourceOnlyChange(b.stagedDir, 2);
  log("buildkit: source-only change on a wiped builder (registry cache only)…");
  wipeBuilder();
  const sourceOnlyFreshBuilder = await buildx(staged());
  log("buildkit: no change on a wiped builder (registry cache only)…");
  wipeBuilder();
  const noChangeFreshBuilder = await buildx(staged());
  const stagedBytes = await compressedBytes(`${repository}:bench`);
  log("buildkit: single-stage baseline…");
  const baselineTag = `${reg.registry}/bench/moontv-baseline-${Date.now().toString(36)}:bench`;
  await buildx({
    builder: reg.builder,
    contextDir: b.baselineDir,
    dockerfile: b.baselineDockerfile,
    tag: baselineTag,
    buildArgs: { BUILD_BASE_IMAGE: reg.buildBase },
  });
  return {
    cold,
    sourceOnly,
    noChange,
    sourceOnlyFreshBuilder,
    noChangeFreshBuilder,
    compressedBytes: stagedBytes,
    baselineCompressedBytes: await compressedBytes(baselineTag),
  };
}
