/**
 * The cluster's TLS registry (distribution v3 built from the pinned module: Debian's 2.8.2 rewrites its link
 * files in place and loses concurrent pushes, see engine/image/local-registry.ts; deletes enabled), named by
 * this machine's host name (builder.ts, registryAddress, says why), with a CA made anew at every `up`.
 */
import * as fs from "fs";
import * as path from "path";
import { httpsOk, makeRegistryPki, registryAddress, registryConfig, registryServer } from "../builder";
import { stablePort } from "../host-tools";
import { STATE } from "../paths";
import { logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

export const registry: Step = {
  name: "registry",
  async run(ctx: ClusterContext): Promise<string> {
    const server = registryServer();
    const at = await registryAddress();
    const pki = makeRegistryPki(path.join(STATE, "registry-pki"), at);
    const dir = path.join(STATE, "registry");
    fs.mkdirSync(dir, { recursive: true });
    // Pods run images named by the registry's address: it outlives a `down` and `up`.
    const port = await stablePort(path.join(dir, "port"), at.ip);
    const address = `${at.name}:${port}`;
    fs.writeFileSync(path.join(dir, "config.yml"), registryConfig(at.ip, port, path.join(dir, "data"), pki));
    start("registry", ["serve", path.join(dir, "config.yml")], port, ctx.started, server.exe, server.env);
    await waitFor(
      "registry (TLS)",
      15_000,
      () => httpsOk(`https://${address}/v2/`, pki.caCert),
      () => logTail("registry"),
    );
    ctx.registry = { address, pki };
    return `https://${address} (CA .engine/cluster/registry-pki/ca.crt)`;
  },
};
