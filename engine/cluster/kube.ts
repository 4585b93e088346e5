/** kubectl against the local cluster (as the admin), and the kubeconfig files its components use. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NODE_IP } from "./node-network";
import { KUBECONFIG, NODE_DIR } from "./paths";
import { binary } from "./processes";

export function kubectl(args: string[], input?: string): string {
  const r = spawnSync(binary("kubectl"), ["--kubeconfig", KUBECONFIG, ...args], { encoding: "utf8", input });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function kubectlSucceeds(args: string[]): boolean {
  return spawnSync(binary("kubectl"), ["--kubeconfig", KUBECONFIG, ...args], { stdio: "ignore" }).status === 0;
}

/** A kubeconfig for `server`, trusting `caCert`, as the holder of `cert`/`key` (files inlined). */
export function writeKubeconfig(
  file: string,
  server: string,
  user: string,
  caCert: string,
  cert: string,
  key: string,
): void {
  const b64 = (f: string) => fs.readFileSync(f).toString("base64");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: moontv-local",
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority-data: ${b64(caCert)}`,
      "users:",
      `- name: ${user}`,
      "  user:",
      `    client-certificate-data: ${b64(cert)}`,
      `    client-key-data: ${b64(key)}`,
      "contexts:",
      "- name: moontv-local",
      `  context: {cluster: moontv-local, user: ${user}}`,
      "current-context: moontv-local",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
}

/**
 * `<component>.kubeconfig` under the node's directory, for a component of the cluster that talks to the
 * API server at the node's address as `user` (its client certificate from the cluster's PKI).
 */
export function componentKubeconfig(
  component: string,
  apiPort: number | undefined,
  user: string,
  caCert: string,
  cert: string,
  key: string,
): string {
  if (!apiPort) throw new Error("the control plane step must run first");
  const file = path.join(NODE_DIR, `${component}.kubeconfig`);
  writeKubeconfig(file, `https://${NODE_IP}:${apiPort}`, user, caCert, cert, key);
  return file;
}
