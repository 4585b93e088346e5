/**
 * Reads the local cluster's TLS registry over its v2 API, verified against the CA `npm run cluster -- up`
 * made (this process was not started with NODE_EXTRA_CA_CERTS, so fetch would not trust it).
 */
import * as fs from "fs";
import * as https from "https";
import { engineEnv } from "./engine";

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface RegistryAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function registryGet(host: string, urlPath: string, method: "GET" | "HEAD" = "GET"): Promise<RegistryAnswer> {
  const ca = fs.readFileSync(engineEnv().NODE_EXTRA_CA_CERTS ?? "");
  return new Promise((resolve, reject) => {
    const req = https.request(
      `https://${host}${urlPath}`,
      { method, ca, headers: { Accept: ACCEPT }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error(`https://${host}${urlPath}: no answer in 30 s`)));
    req.end();
  });
}

/** The digest a tag points at, or undefined when the registry has no such manifest. */
export async function tagDigest(host: string, repo: string, reference: string): Promise<string | undefined> {
  const r = await registryGet(host, `/v2/${repo}/manifests/${reference}`, "HEAD");
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`HEAD ${host}/${repo}:${reference}: HTTP ${r.status}`);
  return String(r.headers["docker-content-digest"]);
}

export async function registryJson<T = Record<string, unknown>>(host: string, urlPath: string): Promise<T> {
  const r = await registryGet(host, urlPath);
  if (r.status !== 200) throw new Error(`GET ${host}${urlPath}: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
  return JSON.parse(r.body.toString()) as T;
}

/** The image config (labels, user, …) of a single-platform manifest, or of the index's first image. */
export async function imageConfig(
  host: string,
  repo: string,
  reference: string,
): Promise<{ config: { Labels?: Record<string, string> } }> {
  let m = await registryJson<{
    manifests?: { digest: string; platform?: { architecture: string } }[];
    config?: { digest: string };
  }>(host, `/v2/${repo}/manifests/${reference}`);
  if (m.manifests) {
    const image =
      m.manifests.find((d) => d.platform?.architecture && d.platform.architecture !== "unknown") ?? m.manifests[0];
    m = await registryJson(host, `/v2/${repo}/manifests/${image.digest}`);
  }
  return registryJson(host, `/v2/${repo}/blobs/${m.config!.digest}`);
}
