/**
 * The images the real node itself runs, made here (nothing can be pulled from registry.k8s.io):
 * - the sandbox (pause) image: Kubernetes' own build/pause/linux/pause.c from the pinned k8s.io/kubernetes
 *   module, compiled statically with gcc as upstream's Makefile does, alone in the image as upstream ships
 *   it (uid 65535); imported into containerd, never pulled;
 * - CoreDNS: the binary built from the pinned github.com/coredns/coredns module, alone in the image at
 *   /coredns as upstream's image has it; pushed to the cluster's registry and pulled by containerd.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Buildah } from "../image/buildah";
import { cacheRoot } from "../image/pipeline";
import { SANDBOX_IMAGE } from "./node-config";
import { ROOT } from "./paths";

/** The directory and version of a module a wrapper under engine/ pins. */
export function pinnedModule(wrapper: string, module: string): { dir: string; version: string } {
  const r = spawnSync("go", ["list", "-m", "-f", "{{.Dir}} {{.Version}}", module], {
    cwd: path.join(ROOT, "engine", wrapper),
    encoding: "utf8",
  });
  const [dir, version] = r.stdout.trim().split(" ");
  if (r.status !== 0 || !dir || !fs.existsSync(dir))
    throw new Error(`cannot find ${module} (pinned by engine/${wrapper}): ${r.stderr.trim() || "not downloaded"}`);
  return { dir, version };
}

/** pause.c compiled as upstream's build/pause/Makefile does (-Os -static), cached by the module version. */
export function pauseBinary(): string {
  const k8s = pinnedModule("kubernetes", "k8s.io/kubernetes");
  const tag = SANDBOX_IMAGE.split(":").pop()!;
  const out = path.join(cacheRoot(), `pause-${tag}-${k8s.version}`, "pause");
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const source = path.join(k8s.dir, "build", "pause", "linux", "pause.c");
  try {
    execFileSync(
      "gcc",
      ["-Os", "-Wall", "-Werror", "-static", `-DVERSION=v${tag}-${k8s.version}`, "-o", `${out}.tmp`, source],
      {
        stdio: "pipe",
      },
    );
  } catch (err) {
    throw new Error(`gcc could not build ${source} (apt-get install gcc libc6-dev): ${(err as Error).message}`);
  }
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

/** One binary alone in an image, as upstream's pause and CoreDNS images are. */
async function singleBinaryImage(
  buildah: Buildah,
  binary: string,
  at: string,
  name: string,
  user: string,
): Promise<void> {
  const rootfs = fs.mkdtempSync(path.join(buildah.baseDir, "rootfs-"));
  fs.copyFileSync(binary, path.join(rootfs, at));
  fs.chmodSync(path.join(rootfs, at), 0o755);
  await buildah.imageFromRootfs(rootfs, name, ["--entrypoint", JSON.stringify([`/${at}`]), "--user", user]);
  fs.rmSync(rootfs, { recursive: true, force: true });
}

/** The pause image as a docker archive that `ctr images import` takes under its own name. */
export async function pauseImageArchive(buildah: Buildah, file: string): Promise<void> {
  await singleBinaryImage(buildah, pauseBinary(), "pause", SANDBOX_IMAGE, "65535:65535");
  await buildah.exec(["push", SANDBOX_IMAGE, `docker-archive:${file}:${SANDBOX_IMAGE}`]);
}

/** Pushes the CoreDNS image to `registry`; answers its ref. */
export async function pushCorednsImage(buildah: Buildah, corednsBinary: string, registry: string): Promise<string> {
  const { version } = pinnedModule("coredns", "github.com/coredns/coredns");
  const ref = `${registry}/coredns/coredns:${version}`;
  await singleBinaryImage(buildah, corednsBinary, "coredns", ref, "65532:65532");
  await buildah.push(ref);
  return ref;
}
