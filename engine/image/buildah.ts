// buildah with its own storage under one directory (overlay driver, chroot isolation), so that a
// test or a benchmark run starts cold, leaves nothing in the machine's default storage and can be
// removed as a whole. chroot isolation, the host network and the overlay driver are the settings
// that work in the unprivileged sandboxes this runs in, CI included.
import * as fs from "fs";
import * as path from "path";
import { requireBinary, run, RunOptions, RunResult } from "./proc";

export interface BudOptions {
  contextDir: string;
  dockerfile: string;
  /** Ignore file for the context (our own, not the app's). */
  ignoreFile?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  tag: string;
  /** Mirror buildah's output to stderr. */
  echo?: boolean;
}

export interface BuildStep {
  /** Instruction as buildah prints it, e.g. `RUN corepack pnpm install …`. */
  instruction: string;
  cached: boolean;
}

export interface BuildReport {
  seconds: number;
  /** Every step but FROM (a base is resolved, not built, so it is never "from cache"). */
  steps: BuildStep[];
  log: string;
}

/** Parses `buildah bud --layers` output into steps and whether each came from the layer cache. */
export function parseBuildLog(log: string): BuildStep[] {
  const steps: BuildStep[] = [];
  let current: BuildStep | undefined;
  for (const line of log.split("\n")) {
    const m = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
    if (m) {
      current = { instruction: m[1], cached: false };
      if (!/^FROM /i.test(m[1])) steps.push(current);
      continue;
    }
    if (current && /^--> Using cache [0-9a-f]+/.test(line)) current.cached = true;
  }
  return steps;
}

/** Decimal units, as buildah prints sizes (go-units HumanSize: "201 MB", "1.23 GB", "512 B"). */
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };

/** Bytes from `buildah images --json`'s size: a number, or text such as "201 MB" (3 significant digits). */
export function parseImageSize(size: number | string): number {
  if (typeof size === "number" && Number.isFinite(size) && size >= 0) return size;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKMGTP]?B)\s*$/.exec(String(size));
  if (!m) throw new Error(`cannot read the image size ${JSON.stringify(size)} (expected bytes or e.g. "201 MB")`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()]);
}

export class Buildah {
  readonly storage: string;
  private readonly runroot: string;
  private readonly tmp: string;

  /** `baseDir`: private storage root (created; removed by destroy()). */
  constructor(readonly baseDir: string) {
    requireBinary("buildah", "buildah");
    this.storage = path.join(baseDir, "storage");
    this.runroot = path.join(baseDir, "run");
    this.tmp = path.join(baseDir, "tmp");
    for (const d of [this.storage, this.runroot, this.tmp]) fs.mkdirSync(d, { recursive: true });
  }

  /** Runs `buildah <args>` against this storage. TMPDIR also holds RUN --mount=type=cache dirs. */
  exec(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const env = { ...process.env, TMPDIR: this.tmp, BUILDAH_ISOLATION: "chroot", ...opts.env };
    return run("buildah", ["--root", this.storage, "--runroot", this.runroot, "--storage-driver", "overlay", ...args], {
      ...opts,
      env,
    });
  }

  async bud(o: BudOptions): Promise<BuildReport> {
    const args = [
      "bud",
      "--isolation",
      "chroot",
      "--network",
      "host",
      "--layers",
      "--format",
      "docker",
      "--tls-verify=false",
      "-f",
      o.dockerfile,
      "-t",
      o.tag,
    ];
    if (o.ignoreFile) args.push("--ignorefile", o.ignoreFile);
    if (o.target) args.push("--target", o.target);
    for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    args.push(o.contextDir);
    const r = await this.exec(args, { echo: o.echo, timeoutSeconds: 1800 });
    const log = r.stdout + r.stderr;
    return { seconds: r.seconds, steps: parseBuildLog(log), log };
  }

  /** Makes an image from a root file system directory; `config` are `buildah config` flags. */
  async imageFromRootfs(rootfs: string, name: string, config: string[]): Promise<void> {
    const cid = (await this.exec(["from", "scratch"])).stdout.trim();
    try {
      const mnt = (await this.exec(["mount", cid])).stdout.trim();
      await run("cp", ["-a", `${rootfs}/.`, mnt]);
      await this.exec(["umount", cid]);
      await this.exec(["config", ...config, cid]);
      await this.exec(["commit", "--format", "docker", cid, name]);
    } finally {
      await this.exec(["rm", cid]).catch(() => undefined);
    }
  }

  async push(name: string): Promise<void> {
    await this.exec(["push", "--tls-verify=false", "--format", "v2s2", name, `docker://${name}`]);
  }

  /** Pushes `images` (one per platform, in this storage) as the manifest list `name`. */
  async pushManifestList(name: string, images: string[]): Promise<void> {
    const list = `${name}-list`;
    await this.exec(["manifest", "rm", list]).catch(() => undefined);
    await this.exec(["manifest", "create", list, ...images.map((i) => `containers-storage:${i}`)]);
    await this.exec(["manifest", "push", "--all", "--tls-verify=false", "--format", "v2s2", list, `docker://${name}`]);
  }

  /** Creates a working container from `image`, mounts it, returns its id and root directory. */
  async mountImage(image: string): Promise<{ cid: string; root: string }> {
    const cid = (await this.exec(["from", "--pull-never", image])).stdout.trim();
    const root = (await this.exec(["mount", cid])).stdout.trim();
    return { cid, root };
  }

  async removeContainer(cid: string): Promise<void> {
    await this.exec(["rm", cid]).catch(() => undefined);
  }

  /** The image's Docker config (`buildah inspect`'s Docker.config). */
  async imageConfig(image: string): Promise<ImageConfig> {
    const j = JSON.parse((await this.exec(["inspect", "--type", "image", image])).stdout);
    return j.Docker.config as ImageConfig;
  }

  /** Uncompressed size of the image in bytes (sum of its layers), to buildah's precision. */
  async imageSize(image: string): Promise<number> {
    const j = JSON.parse((await this.exec(["images", "--json", image])).stdout) as Array<{ size: number | string }>;
    if (!j[0]) throw new Error(`image ${image} not found`);
    return parseImageSize(j[0].size);
  }

  /** Removes every container and image of this storage, then the directory itself. */
  async destroy(): Promise<void> {
    if (!fs.existsSync(this.baseDir)) return;
    await this.exec(["rm", "--all"]).catch(() => undefined);
    await this.exec(["rmi", "--all", "--force"]).catch(() => undefined);
    // The overlay driver bind-mounts its own directory; unmount before deleting.
    await run("umount", [path.join(this.storage, "overlay")]).catch(() => undefined);
    fs.rmSync(this.baseDir, { recursive: true, force: true });
  }
}

/** The fields of a Docker image config that the tests read. */
export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  ExposedPorts?: Record<string, unknown>;
  Volumes?: Record<string, unknown>;
  Labels?: Record<string, string>;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
}
