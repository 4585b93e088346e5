/**
 * A scratch stack (dev, or prod with its own settings) whose `moontv:image` builds a copy of test/fixtures/app for real: the local
 * cluster's buildkitd through the docker-build provider, pushing to the cluster's TLS registry. Used by
 * the image e2e specs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { engineEnv, kubectlJson, pulumi, pulumiOk, ROOT, type CommandResult, type Kube } from "./engine";
import { makeSourceOnlyChange } from "../../../engine/image/pipeline";
import { removeScratch, scratchProject } from "./project";
import { initStack, policyArgs, rewriteStackFile } from "./stack";

/** What `npm run cluster -- up` exported for image builds. */
export interface ClusterImageEnv {
  registry: string;
  builder: string;
  buildBase: string;
  runtimeBase: string;
  /** Platforms the stand-in bases serve and the builder runs, e.g. `linux/amd64,linux/arm64`. */
  platforms: string[];
  /** Why the builder has no linux/arm64 (QEMU missing), when it has not. */
  noArm64?: string;
}

/** The cluster's image side; a cluster without it fails here loudly. */
export function clusterImageEnv(): ClusterImageEnv {
  const env = engineEnv();
  const want = ["E2E_REGISTRY", "E2E_BUILDER", "E2E_BUILD_BASE", "E2E_RUNTIME_BASE", "E2E_PLATFORMS"];
  const missing = want.filter((k) => !env[k]);
  if (missing.length)
    throw new Error(
      `.engine/env lacks ${missing.join(", ")}: restart the cluster (npm run cluster -- down && npm run cluster -- up)`,
    );
  return {
    registry: env.E2E_REGISTRY!,
    builder: env.E2E_BUILDER!,
    buildBase: env.E2E_BUILD_BASE!,
    runtimeBase: env.E2E_RUNTIME_BASE!,
    platforms: env.E2E_PLATFORMS!.split(","),
    noArm64: env.E2E_NO_ARM64,
  };
}

/** buildkitd restarted with empty state: a fresh builder, as on another machine. */
export function wipeBuilder(): void {
  const r = spawnSync(
    process.execPath,
    [
      "-r",
      path.join(ROOT, "tools", "ts-register.js"),
      path.join(ROOT, "engine", "cluster", "cluster.ts"),
      "wipe-builder",
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (r.status !== 0) throw new Error(`npm run cluster -- wipe-builder failed:\n${r.stdout}${r.stderr}`);
}

export interface ImageStackOptions {
  /** Scratch project name (a directory under the e2e scratch root). */
  name: string;
  /** Which of the project's stacks, with its own stack file's settings: dev unless told. */
  stack?: "dev" | "prod";
  namespace: string;
  /** Repository path in the cluster's registry; one per run, so that cold means no cache at all. */
  repo: string;
  /** `moontv:image` fields over the defaults below (platforms, version, gitSha, sizeBudgetMiB, …). */
  image?: Record<string, unknown>;
  /** Other keys of the stack file (`moontv:registryMirrors`, …), set as given. */
  config?: Record<string, unknown>;
}

export interface ImageStack {
  project: string;
  /** The copied sources the stack builds. */
  app: string;
  reg: ClusterImageEnv;
  up(...extra: string[]): Promise<CommandResult>;
  preview(...extra: string[]): Promise<CommandResult>;
  /** `pulumi config set --path` on the stack (dev or prod, whichever it is). */
  setConfig(key: string, value: string): Promise<CommandResult>;
  /** `pulumi stack export`: the state, as JSON. */
  stackState(): Promise<Kube>;
  outputs(): Promise<Record<string, unknown>>;
  /** The image the app's Deployment runs. */
  deployedImage(): string;
  /** A source-only change: one page's text, never the lockfile or package.json. */
  touchSource(n: number): void;
  destroy(): Promise<CommandResult>;
  /**
   * Destroys the stack and removes the scratch project (kept with MOONTV_E2E_KEEP). A prod stack's
   * protected objects are unprotected first: the scratch stack must leave nothing behind.
   */
  remove(): Promise<void>;
}

export async function createImageStack(o: ImageStackOptions): Promise<ImageStack> {
  const reg = clusterImageEnv();
  const project = scratchProject(o.name);
  fs.mkdirSync(path.join(project, ".pulumi-state"));
  const inProject = () => ({
    cwd: project,
    env: { PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` },
  });
  // The sources, with the ignore file the settings require of a local context (the project's own).
  const app = path.join(project, "e2e-app");
  fs.cpSync(path.join(ROOT, "test", "fixtures", "app"), app, {
    recursive: true,
    filter: (f) => !/\/(node_modules|\.next)(\/|$)/.test(f),
  });
  fs.copyFileSync(path.join(ROOT, "components", "image", ".dockerignore"), path.join(app, ".dockerignore"));
  const stack = o.stack ?? "dev";
  rewriteStackFile(project, stack, (c) => ({
    ...c,
    "moontv:namespace": o.namespace,
    "moontv:image": {
      repository: `${reg.registry}/${o.repo}`,
      context: { location: app },
      builder: reg.builder,
      baseImages: { build: reg.buildBase, runtime: reg.runtimeBase },
      sourceUrl: "https://github.com/example/moontv-fixture",
      sizeBudgetMiB: 250,
      cache: { branch: "main" },
      ...o.image,
    },
    ...o.config,
  }));
  await initStack(stack, inProject());
  const destroy = () => pulumi(["destroy", "--yes", "-s", stack], inProject());
  return {
    project,
    app,
    reg,
    up: (...extra) => pulumi(["up", "--yes", "-s", stack, ...policyArgs(stack), ...extra], inProject()),
    preview: (...extra) => pulumiOk(["preview", "-s", stack, ...policyArgs(stack), ...extra], inProject()),
    setConfig: (key, value) => pulumiOk(["config", "set", "-s", stack, "--path", key, value], inProject()),
    stackState: async () => JSON.parse((await pulumiOk(["stack", "export", "-s", stack], inProject())).stdout),
    outputs: async () => JSON.parse((await pulumiOk(["stack", "output", "-s", stack, "--json"], inProject())).stdout),
    deployedImage: () =>
      kubectlJson(["-n", o.namespace, "get", "deployment", "moontv"]).spec.template.spec.containers.find(
        (c: { name: string }) => c.name === "moontv",
      ).image as string,
    touchSource: (n) => makeSourceOnlyChange(app, n),
    destroy,
    remove: async () => {
      if (stack === "prod") await pulumi(["state", "unprotect", "--all", "--yes", "-s", stack], inProject());
      await destroy();
      if (!process.env.MOONTV_E2E_KEEP) removeScratch(project);
    },
  };
}
