/**
 * containerd with its own root, state and socket under .engine/ (never the system's), Debian's runc, the
 * cluster registry's CA, and the sandbox image imported (made here, never pulled).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Buildah } from "../../image/buildah";
import { cacheRoot } from "../../image/pipeline";
import { requireBinary } from "../host-tools";
import { containerdConfig, registryHostsToml, SANDBOX_IMAGE } from "../node-config";
import { pauseImageArchive } from "../node-images";
import { BIN, CNI_DIR, CONTAINERD_ROOT, CONTAINERD_SOCKET, CONTAINERD_STATE, NODE_DIR } from "../paths";
import { binary, logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";
import { CNI_CONF_DIR } from "./pod-network";

/** `ctr` against the node's containerd, in the namespace the CRI uses. */
export function ctr(args: string[]): string {
  const r = spawnSync(binary("ctr"), ["--address", CONTAINERD_SOCKET, "--namespace", "k8s.io", ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`ctr ${args.join(" ")}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Waits (30 s at most) until containerd answers on its socket; fails with its log. */
export function waitForContainerd(): Promise<void> {
  return waitFor(
    "containerd's socket",
    30_000,
    async () =>
      fs.existsSync(CONTAINERD_SOCKET) &&
      spawnSync(binary("ctr"), ["--address", CONTAINERD_SOCKET, "version"]).status === 0,
    () => logTail("containerd"),
  );
}

export const containerRuntime: Step = {
  name: "container runtime",
  async run(ctx: ClusterContext): Promise<string> {
    if (!ctx.registry) throw new Error("the registry step must run first");
    const certsDir = path.join(NODE_DIR, "containerd", "certs.d");
    fs.rmSync(certsDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(certsDir, ctx.registry.address), { recursive: true });
    fs.writeFileSync(
      path.join(certsDir, ctx.registry.address, "hosts.toml"),
      registryHostsToml(ctx.registry.address, ctx.registry.pki.caCert),
    );
    const config = path.join(NODE_DIR, "containerd.toml");
    fs.writeFileSync(
      config,
      containerdConfig({
        root: CONTAINERD_ROOT,
        state: CONTAINERD_STATE,
        socket: CONTAINERD_SOCKET,
        runc: requireBinary("runc", "runc"),
        cniBinDir: BIN,
        cniConfDir: CNI_CONF_DIR,
        certsDir,
      }),
    );
    fs.mkdirSync(CNI_DIR, { recursive: true });
    // containerd finds its shim (containerd-shim-runc-v2) on PATH.
    const env = { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}` };
    start("containerd", ["--config", config], 0, ctx.started, binary("containerd"), env);
    await waitForContainerd();
    const work = fs.mkdtempSync(path.join(cacheRoot(), "node-images-"));
    const buildah = new Buildah(work);
    try {
      const archive = path.join(work, "pause.tar");
      await pauseImageArchive(buildah, archive);
      ctr(["images", "import", archive]);
    } finally {
      await buildah.destroy();
    }
    const version = /Version:\s*(\S+)/.exec(ctr(["version"]))?.[1] ?? "?";
    return `containerd ${version} (runc ${requireBinary("runc", "runc")}), sandbox image ${SANDBOX_IMAGE} imported`;
  },
};
