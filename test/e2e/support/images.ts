/**
 * Images for the end-to-end stacks, in a real registry (Debian's docker-registry) on 127.0.0.1: a
 * prebuilt app image, deployed as `repo@sha256:…`, and a mirror of every third-party image the program
 * uses, which the stacks pin to digests for real through `moontv:registryMirrors`. KWOK runs no
 * containers, so each image is a tiny real OCI image (umoci) pushed with skopeo.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { splitImageRef } from "../../../components/shared/mirror";
import { buildOciImage, pushOci, startRegistry, type RunningRegistry } from "../../support/registry-fixture";

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
    for (const ref of thirdParty) {
      const [host, repo, rest] = splitImageRef(ref);
      const tag = rest.split("@")[0].replace(/^:/, "") || "latest";
      mirrors[host] = `${registry.host}/mirror/${host}`;
      pushOci(layout, "app", `${registry.host}/mirror/${host}/${repo}:${tag}`);
    }
    return { registry, appRef, mirrors };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
