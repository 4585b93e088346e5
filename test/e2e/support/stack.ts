/**
 * One project stack run by the real CLI in a scratch copy of the project: its stack file adjusted for the
 * local cluster (the prebuilt app image, the registry mirror), the offline preview of the same config,
 * and the objects it made in the API server.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { kubectlJson, pulumiOk } from "./engine";

/** The stack file's config with the e2e overrides: what any user of the local cluster would set. */
export function e2eStackConfig(
  config: Record<string, unknown>,
  appRef: string,
  mirrors: Record<string, string>,
): Record<string, unknown> {
  return { ...config, "moontv:image": { ref: appRef }, "moontv:registryMirrors": mirrors };
}

export function rewriteStackFile(
  project: string,
  stack: string,
  edit: (config: Record<string, unknown>) => Record<string, unknown>,
): void {
  const file = path.join(project, `Pulumi.${stack}.yaml`);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  doc.config = edit(doc.config);
  fs.writeFileSync(file, stringify(doc));
}

export async function initStack(stack: string, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  await pulumiOk(["stack", "init", stack, "--secrets-provider", "passphrase"], opts);
}

/** Runs the offline preview of the project's stack; returns its out/<stack> directory. */
export function offlinePreview(project: string, stack: string): string {
  const out = path.join(project, "out");
  const r = spawnSync(process.execPath, ["-r", "./tools/ts-register.js", "tools/synth/cli.ts", stack, "--out", out], {
    cwd: project,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`offline preview of ${stack} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return path.join(out, stack);
}

/** Every container image of the offline preview's Kubernetes objects, without digests. */
export function imagesOfPreview(outDir: string): string[] {
  const images = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "image" && typeof v === "string") images.add(v.split("@")[0]);
        else visit(v);
      }
    }
  };
  for (const f of fs.readdirSync(path.join(outDir, "kubernetes")))
    visit(parse(fs.readFileSync(path.join(outDir, "kubernetes", f), "utf8")));
  return [...images].sort();
}

export interface PreviewObject {
  file: string;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
}

export function previewObjects(outDir: string): PreviewObject[] {
  const dir = path.join(outDir, "kubernetes");
  return fs.readdirSync(dir).map((file) => ({ file, object: parse(fs.readFileSync(path.join(dir, file), "utf8")) }));
}

/** Every namespace a stack's objects live in. */
export function namespacesOf(outDir: string): string[] {
  return [
    ...new Set(
      previewObjects(outDir)
        .map((o) => (o.object.kind === "Namespace" ? o.object.metadata.name : o.object.metadata.namespace))
        .filter(Boolean) as string[],
    ),
  ];
}

/** The CLI flags that run the policy pack with the stack's own config, as the README says to. */
export function policyArgs(stack: string): string[] {
  return ["--policy-pack", "policy", "--policy-pack-config", `policy/config/${stack}.json`];
}

export function liveObject(o: PreviewObject["object"]): Record<string, unknown> {
  const args = [
    "get",
    `${o.kind}.${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}`.replace(/\.$/, ""),
    o.metadata.name,
  ];
  if (o.metadata.namespace) args.unshift("-n", o.metadata.namespace);
  return kubectlJson(args);
}

/**
 * Paths at which `expected` (the offline preview) and `actual` (the API server) differ. Fields the
 * server adds are ignored (only what the preview wrote is compared), and so are empty lists and maps it
 * omits; values the preview cannot know
 * (secrets, unknowns) are skipped; quantities are compared as Kubernetes canonicalises them.
 */
export function differences(expected: unknown, actual: unknown, at = ""): string[] {
  // The API server omits empty lists and maps (omitempty): `egress: []` is stored as no egress.
  const empty = (v: unknown) =>
    (Array.isArray(v) && v.length === 0) || (!!v && typeof v === "object" && Object.keys(v).length === 0);
  if (empty(expected) && actual === undefined) return [];
  // …and false, 0 and "" (omitempty of Go's zero values).
  if ((expected === false || expected === 0 || expected === "") && actual === undefined) return [];
  // The offline preview simulates the digests pinning resolves: the ref must match, and be pinned.
  if (typeof expected === "string" && typeof actual === "string" && /@sha256:[a-f0-9]{64}$/.test(expected)) {
    return expected.split("@")[0] === actual.split("@")[0] && /@sha256:[a-f0-9]{64}$/.test(actual)
      ? []
      : [`${at}: expected ${expected}, got ${actual}`];
  }
  if (
    typeof expected === "string" &&
    (expected === "[secret]" || expected.includes("[unknown]") || expected.startsWith("[secret"))
  )
    return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => differences(e, actual[i], `${at}[${i}]`));
  }
  if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object") return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) =>
      differences(v, (actual as Record<string, unknown>)[k], `${at}.${k}`),
    );
  }
  if (expected === actual) return [];
  if (typeof expected === "number" && String(expected) === actual) return [];
  return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
