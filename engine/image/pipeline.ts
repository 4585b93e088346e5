// One place that sets up what a real build of the project's Dockerfile needs here: the stand-in
// bases (root file systems cached across runs under the cache root), a local registry holding them,
// and a fresh buildah storage. Used by the integration spec and by `npm run bench:image`.
import * as fs from "fs";
import * as path from "path";
import { Buildah } from "./buildah";
import { run } from "./proc";
import { startRegistry, LocalRegistry } from "./local-registry";
import { prepareStandInRootfs, pushStandIns, StandInImages, StandInRootfs } from "./standins";

export const FIXTURE_APP = path.resolve(__dirname, "../../test/fixtures/app");

/** Where stand-in root file systems, downloaded .debs and build storage live. */
export function cacheRoot(): string {
  return process.env.MOONTV_IMAGE_CACHE ?? "/var/tmp/moontv-image-cache";
}

export interface BuildEnv {
  registry: LocalRegistry;
  images: StandInImages;
  rootfs: StandInRootfs;
  /** Builders made with newBuildah() are destroyed by close(). */
  newBuildah(label: string): Promise<Buildah>;
  close(): Promise<void>;
}

/** Starts a registry, prepares the stand-ins and pushes them. Each newBuildah() is a cold storage
 * (empty layer cache and cache mounts) that pulls the stand-ins from the registry. */
export async function openBuildEnv(): Promise<BuildEnv> {
  const root = cacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const rootfs = await prepareStandInRootfs(root);
  const registry = await startRegistry();
  const builders: Buildah[] = [];
  const newBuildah = async (label: string) => {
    const b = new Buildah(fs.mkdtempSync(path.join(root, `${label}-`)));
    builders.push(b);
    return b;
  };
  try {
    // The stand-ins are committed in a throw-away storage: builds must pull them like real bases.
    const seed = await newBuildah("standins");
    const images = await pushStandIns(seed, [rootfs], registry.host);
    await seed.destroy();
    builders.splice(builders.indexOf(seed), 1);
    return {
      registry,
      images,
      rootfs,
      newBuildah,
      close: async () => {
        for (const b of builders) await b.destroy();
        await registry.stop();
      },
    };
  } catch (err) {
    for (const b of builders) await b.destroy().catch(() => undefined);
    await registry.stop();
    throw err;
  }
}

/** Copies the fixture (no node_modules/.next) to `dir` so that a benchmark may edit its sources. */
export async function copyFixture(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await run("cp", ["-a", `${FIXTURE_APP}/.`, dir]);
  for (const d of ["node_modules", ".next"]) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
  return dir;
}

/** A source-only change to a copy of the fixture: one page's text, never the lockfile or package.json. */
export function makeSourceOnlyChange(appDir: string, n: number): void {
  const page = path.join(appDir, "src", "app", "page.tsx");
  fs.writeFileSync(
    page,
    fs.readFileSync(page, "utf8").replace(/\n\/\/ source edit \d+\n?$/, "") + `\n// source edit ${n}\n`,
  );
}

/** Apparent size in bytes of a directory tree (du -sb), 0 when it does not exist. */
export async function treeBytes(dir: string): Promise<number> {
  if (!fs.existsSync(dir)) return 0;
  return Number((await run("du", ["-sb", dir])).stdout.split(/\s+/)[0]);
}
