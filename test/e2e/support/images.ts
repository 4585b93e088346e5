/**
 * Images for the end-to-end stacks, in a real registry (Debian's docker-registry) on 127.0.0.1: a
 * prebuilt app image, deployed as `repo@sha256:…`, and a mirror of every third-party image the program
 * uses, which the stacks pin to digests for real through `moontv:registryMirrors`. The stacks' pods run on
 * KWOK's fake nodes, so each image is a tiny real OCI image (umoci) pushed with skopeo; node-exporter's,
 * whose DaemonSet also reaches the real node, really runs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { splitImageRef } from "../../../components/shared/mirror";
import { execFileSync } from "child_process";
import { requireBinary } from "../../../engine/cluster/host-tools";
import {
  buildOciImage,
  pushOci,
  startRegistry,
  type RunnableParts,
  type RunningRegistry,
} from "../../support/registry-fixture";

export interface E2eImages {
  registry: RunningRegistry;
  /** `127.0.0.1:<port>/moontv/app@sha256:…` */
  appRef: string;
  /** registry host → mirror prefix, as `moontv:registryMirrors` takes it */
  mirrors: Record<string, string>;
}

async function digestOf(host: string, repo: string, tag: string): Promise<string> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" },
  });
  const digest = res.headers.get("docker-content-digest");
  if (!res.ok || !digest) throw new Error(`no digest for ${host}/${repo}:${tag} (HTTP ${res.status})`);
  return digest;
}

/**
 * node-exporter's image must really run: its DaemonSet tolerates every taint (it belongs on every node), so
 * one of its pods lands on the cluster's real node. It is Debian's prometheus-node-exporter (the same
 * exporter) at upstream's /bin/node_exporter, with the glibc files it links (read with ldd), and
 * upstream's entrypoint.
 */
function nodeExporterParts(): RunnableParts {
  const binary = requireBinary("prometheus-node-exporter", "prometheus-node-exporter");
  const libs = execFileSync("ldd", [binary], { encoding: "utf8" })
    .split("\n")
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
    .filter((l): l is string => !!l);
  return {
    copies: { "bin/node_exporter": binary, ...Object.fromEntries(libs.map((l) => [l.slice(1), fs.realpathSync(l)])) },
    entrypoint: ["/bin/node_exporter"],
  };
}

/** Starts the registry with the app image and a mirror of each of `thirdParty` (tag refs). */
export async function startE2eImages(thirdParty: string[]): Promise<E2eImages> {
  const registry = await startRegistry();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-e2e-images-"));
  const layout = path.join(work, "layout");
  try {
    buildOciImage(layout, "app", "amd64", { "start.js": "// stand-in: KWOK runs no containers\n" });
    pushOci(layout, "app", `${registry.host}/moontv/app:e2e`);
    const appRef = `${registry.host}/moontv/app@${await digestOf(registry.host, "moontv/app", "e2e")}`;
    const mirrors: Record<string, string> = {};
    buildOciImage(layout, "node-exporter", "amd64", {}, nodeExporterParts());
    for (const ref of thirdParty) {
      const [host, repo, rest] = splitImageRef(ref);
      const tag = rest.split("@")[0].replace(/^:/, "") || "latest";
      mirrors[host] = `${registry.host}/mirror/${host}`;
      const image = repo.endsWith("/node-exporter") ? "node-exporter" : "app";
      pushOci(layout, image, `${registry.host}/mirror/${host}/${repo}:${tag}`);
    }
    return { registry, appRef, mirrors };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
