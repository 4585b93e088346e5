/**
 * A rootful buildkitd (its runc process sandbox needs root) trusting the registry, the buildx `remote`
 * builder moontv-local over its socket, and the registry filled with what builds need: the stand-in
 * bases for every CPU the builder serves and the Dockerfile frontend; and with what stacks pull: the Redis
 * and monitoring stand-ins.
 */
import * as fs from "fs";
import * as path from "path";
import {
  BUILDER_NAME,
  builderReady,
  buildkitdConfig,
  createBuilder,
  ensureArm64Emulation,
  pushImages,
  type RegistryPki,
} from "../builder";
import { requireBinary } from "../host-tools";
import { BUILDKIT_STATE, BUILDKITD_CONFIG, BUILDKITD_SOCKET, DOCKER_CONFIG } from "../paths";
import { binary, logTail, start, type Started } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";
import { hostArch, type StandInArch } from "../../image/standins";

/** What the builder's programs (buildx, the provider) run with: the engine's store, the registry's CA. */
export function builderEnv(pki: RegistryPki): Record<string, string> {
  return {
    DOCKER_CONFIG,
    BUILDX_CONFIG: path.join(DOCKER_CONFIG, "buildx"),
    // BuildKit is the only builder here: the docker CLI inside the provider need not ask a daemon.
    DOCKER_BUILDKIT: "1",
    // Go programs (provider, buildx, pulumi) trust the system's CAs and the registry's.
    SSL_CERT_FILE: pki.bundle,
  };
}

export function startBuildkitd(started: Started[]): void {
  start("buildkitd", ["--config", BUILDKITD_CONFIG], 0, started);
}

export async function waitForBuilder(env: NodeJS.ProcessEnv): Promise<string> {
  let platforms = "";
  await waitFor(
    `buildkitd through the buildx builder ${BUILDER_NAME}`,
    60_000,
    async () => {
      const r = builderReady(binary("buildx"), env);
      platforms = r.platforms;
      return r.ok;
    },
    () => logTail("buildkitd"),
  );
  return platforms;
}

export const builder: Step = {
  name: "builder",
  async run(ctx: ClusterContext): Promise<string> {
    if (!ctx.registry) throw new Error("the registry step must run first");
    const { address, pki } = ctx.registry;
    const runc = requireBinary("runc", "runc");
    const emulation = ensureArm64Emulation();
    fs.writeFileSync(
      BUILDKITD_CONFIG,
      buildkitdConfig({ root: BUILDKIT_STATE, socket: BUILDKITD_SOCKET, registry: address, caCert: pki.caCert, runc }),
    );
    startBuildkitd(ctx.started);
    const env = { ...process.env, ...builderEnv(pki) };
    fs.mkdirSync(DOCKER_CONFIG, { recursive: true });
    // No credentials (the registry has no auth), but the file must exist: buildah, run with this
    // environment by bench:image, refuses a DOCKER_CONFIG without one.
    const dockerConfigFile = path.join(DOCKER_CONFIG, "config.json");
    if (!fs.existsSync(dockerConfigFile)) fs.writeFileSync(dockerConfigFile, '{ "auths": {} }\n');
    await waitFor(
      "buildkitd's socket",
      30_000,
      async () => fs.existsSync(BUILDKITD_SOCKET),
      () => logTail("buildkitd"),
    );
    createBuilder(binary("buildx"), BUILDKITD_SOCKET, env);
    const platforms = await waitForBuilder(env);
    // The stand-in bases serve every CPU the builder can run: this machine's, and arm64 under QEMU.
    const host = hostArch();
    const archs: StandInArch[] =
      host !== "arm64" && platforms.split(/,\s*/).includes("linux/arm64") ? [host, "arm64"] : [host];
    const bases = await pushImages(address, binary("dockerfile-frontend"), archs);
    ctx.platforms = platforms;
    Object.assign(ctx.env, {
      ...builderEnv(pki),
      // Node programs (the size check, digest pinning) trust the registry's CA too.
      NODE_EXTRA_CA_CERTS: pki.caCert,
      E2E_REGISTRY: address,
      E2E_BUILDER: BUILDER_NAME,
      E2E_BUILD_BASE: bases.buildBase,
      E2E_RUNTIME_BASE: bases.runtimeBase,
      // What the bases serve and the builder runs; `no arm64:` says why not when QEMU is missing.
      E2E_PLATFORMS: bases.archs.map((a) => `linux/${a}`).join(","),
      // The moontv:registryMirrors value (JSON) under which the registry serves the stand-ins (Redis, and
      // Prometheus and its exporters: docker.io and quay.io).
      E2E_REGISTRY_MIRRORS: JSON.stringify(bases.registryMirrors),
      ...(emulation ? { E2E_NO_ARM64: emulation } : {}),
    });
    return `${BUILDER_NAME} (buildkitd, platforms ${platforms}${emulation ? `; no arm64: ${emulation}` : ""}); stand-in bases and Redis for ${archs.join(", ")}, monitoring stand-ins for ${Object.values(bases.monitoring)[0]?.arch} pushed`;
  },
};
