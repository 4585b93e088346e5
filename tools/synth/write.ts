import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { redactedProps, REDACTED } from "./redact";
import type { SynthResult } from "./run";
import type { PolicyViolation, RecordedResource } from "../policy/types";

/** Kubernetes objects (custom resources of the kubernetes provider, not the provider itself). */
export function isKubernetesObject(r: RecordedResource): boolean {
  return r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:");
}

/**
 * `<kind>-<name>.yaml`, kind lower-case; when the same kind and name exist in several namespaces
 * (e.g. each namespace's `default-deny` NetworkPolicy), `<kind>-<namespace>-<name>.yaml` for each.
 */
export function kubernetesFileNames(objects: Array<Record<string, unknown>>): string[] {
  const meta = (o: Record<string, unknown>) => (o.metadata ?? {}) as { name?: string; namespace?: string };
  const base = objects.map((o) => `${String(o.kind ?? "object").toLowerCase()}-${meta(o).name ?? "unnamed"}`);
  return objects.map((o, i) => {
    const shared = base.filter((b) => b === base[i]).length > 1;
    const ns = meta(o).namespace;
    return shared && ns ? `${String(o.kind).toLowerCase()}-${ns}-${meta(o).name}.yaml` : `${base[i]}.yaml`;
  });
}

/** build.json entries: what each image build does. */
export function imageBuilds(resources: RecordedResource[]): Array<Record<string, unknown>> {
  return resources
    .filter((r) => r.type === "docker-build:index:Image")
    .map((r) => {
      const p = redactedProps(r);
      return {
        name: r.name,
        context: p.context,
        target: p.target,
        platforms: p.platforms,
        tags: p.tags,
        buildArgs: p.buildArgs,
        cacheFrom: p.cacheFrom,
        cacheTo: p.cacheTo,
        push: p.push,
        exports: p.exports,
      };
    });
}

/** Writes the offline preview's files under `outDir/<stack>/`, replacing what a previous run left. */
export function writeSynthFiles(outDir: string, result: SynthResult, report?: PolicyViolation[]): string {
  const root = path.join(outDir, result.stack);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, "kubernetes"), { recursive: true });

  const objects = result.resources.filter(isKubernetesObject).map(redactedProps);
  kubernetesFileNames(objects).forEach((file, i) => {
    fs.writeFileSync(path.join(root, "kubernetes", file), stringify(objects[i], { lineWidth: 0 }));
  });

  const builds = imageBuilds(result.resources);
  if (builds.length > 0) {
    fs.mkdirSync(path.join(root, "image"), { recursive: true });
    const first = result.resources.find((r) => r.type === "docker-build:index:Image");
    const inline = (first?.props.dockerfile as { inline?: string } | undefined)?.inline;
    if (inline) fs.writeFileSync(path.join(root, "image", "Dockerfile"), inline);
    fs.writeFileSync(path.join(root, "image", "build.json"), JSON.stringify(builds, null, 2) + "\n");
  }

  const resources = result.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    options: r.options,
    props: redactedProps(r),
  }));
  fs.writeFileSync(path.join(root, "resources.json"), JSON.stringify(resources, null, 2) + "\n");
  const outputs = Object.fromEntries(
    Object.entries(result.outputs).map(([k, o]) => [k, o.secret ? REDACTED : o.value]),
  );
  fs.writeFileSync(path.join(root, "outputs.json"), JSON.stringify(outputs, null, 2) + "\n");
  if (report) fs.writeFileSync(path.join(root, "policy-report.json"), JSON.stringify(report, null, 2) + "\n");
  return root;
}
