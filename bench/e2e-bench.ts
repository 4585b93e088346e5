/**
 * `npm run bench:e2e`: the real engine's figures, measured in one run against the local control plane
 * (`npm run cluster`, brought up here if it is not, and then stopped again):
 *   1. the real `pulumi preview` of prod with the policy pack (prod's config), with an empty pack (one
 *      policy that does nothing, bench/empty-pack: what any Node.js pack costs, the SDK's floor) and
 *      without a pack, N runs each, alternated (the order rotates each run) to cancel drift: medians and
 *      each pack's share (with - without) / without; goal <= 15 %;
 *   2. the offline preview of the same stack (tools/synth/cli.ts, which runs the same pack), N runs:
 *      median and offline / real-with-pack; goal <= 25 %;
 *   3. `pulumi up --yes` of dev from empty to converged, each run followed by `pulumi destroy --yes`;
 *   4. prod deployed (`pulumi up`), then the previews of 1. again: the preview a pull request gets of a
 *      live stack, where the provider diffs every object against the API server. Then the bench's prod
 *      namespaces are deleted and the stack removed (its objects are protected from `pulumi destroy`);
 *   5. dev on the real node: the fixture app built once by BuildKit (not measured), then `pulumi up` of
 *      dev from empty to the app answering /login through its Service, against 3.'s up on the fake nodes
 *      (goal <= 1.5 times), and a new app pod's start (containerd's startedAt) to its first 200;
 *   6. prod on the real node (the same app image, the monitoring stand-ins, NetworkPolicies enforced):
 *      `pulumi up` from empty until every Prometheus target is up and the blackbox probe of the app
 *      succeeds, then a rollout (a changed env value) under 20 requests/s through Service moontv: its
 *      duration and failed requests. Then the stack's objects are unprotected and destroyed.
 * Everything runs in a scratch copy of the project with a file backend of its own and its own
 * namespaces (`bench-dev`, `bench-prod`, and whatever the offline previews derive from them), so a
 * concurrent `npm run test:e2e` on the same cluster (moontv-dev, moontv, …) is never touched.
 * Flags: --runs N (previews, default 3), --up-runs M (dev up + destroy, default 1), --previews-only
 * (steps 1 and 2: the pack's share and the offline preview, in a few minutes).
 * Fails only when a command fails; goals are reported, not enforced.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { REAL_NODE_LABEL, realNodeNamespaceAnnotations } from "../engine/cluster/node-network";
import {
  engineEnv,
  ensureCluster,
  kubectl,
  kubectlJson,
  pulumiOk,
  releaseCluster,
  type Kube,
} from "../test/e2e/support/engine";
import { first200 } from "../test/e2e/support/http";
import { createImageStack } from "../test/e2e/support/image-stack";
import { rolloutUnderLoad, type Rollout } from "../test/e2e/support/load";
import { allTargetsUp, prometheusApi } from "../test/e2e/support/prometheus";
import { crictlInspect } from "../test/e2e/support/node";
import { startE2eImages, type E2eImages } from "../test/e2e/support/images";
import { removeScratch, scratchProject } from "../test/e2e/support/project";
import {
  e2eStackConfig,
  imagesOfPreview,
  initStack,
  namespacesOf,
  offlinePreview,
  policyArgs,
  previewObjects,
  rewriteStackFile,
} from "../test/e2e/support/stack";
import { waitUntil } from "../test/e2e/support/wait";

const STACKS = ["dev", "prod"] as const;
type Stack = (typeof STACKS)[number];
/** The bench's own namespace per stack; anything a stack derives from it starts with it too. */
const NAMESPACE: Record<Stack, string> = { dev: "bench-dev", prod: "bench-prod" };
const PACK_SHARE_GOAL = 15; // %
const OFFLINE_RATIO_GOAL = 25; // %
const REAL_NODE_RATIO_GOAL = 1.5; // times the up on fake nodes

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} takes a whole number of runs >= 1, got ${process.argv[i + 1]}`);
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const log = (line: string) => process.stderr.write(`[bench:e2e] ${line}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(2);
const loadavg = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${os.cpus().length} CPUs`;

let interrupted = false;
/** Between steps: a Ctrl-C stops the bench there, and the cleanup still runs. */
function checkInterrupted(): void {
  if (interrupted) throw new Error("interrupted");
}

/** The namespaces of a stack's objects, refused unless every one is the bench's own. */
function benchNamespaces(stack: Stack, outDir: string): string[] {
  const namespaces = namespacesOf(outDir);
  const foreign = namespaces.filter((ns) => ns !== NAMESPACE[stack] && !ns.startsWith(`${NAMESPACE[stack]}-`));
  if (foreign.length)
    throw new Error(
      `${stack}: the offline preview puts objects in ${foreign.join(", ")}, not derived from ${NAMESPACE[stack]}: shared with other runs, not deploying`,
    );
  const clusterScoped = previewObjects(outDir).filter(
    (o) => o.object.kind !== "Namespace" && !o.object.metadata.namespace,
  );
  if (clusterScoped.length)
    throw new Error(
      `${stack}: cluster-scoped objects other runs would share: ${clusterScoped.map((o) => o.file).join(", ")}`,
    );
  return namespaces;
}

function namespaceGone(ns: string): boolean {
  return kubectl(["get", "namespace", ns, "--ignore-not-found", "-o", "name"]).trim() === "";
}

/** How step 1's and 4's previews run: with our pack, with the empty pack (the SDK's floor), without. */
const ARMS = ["with the pack", "with the empty pack", "without a pack"] as const;
type Arm = (typeof ARMS)[number];
type PreviewTimes = Record<Arm, number[]>;
/** A pack of one policy that does nothing: what the SDK costs for any Node.js pack. */
const EMPTY_PACK = path.join(__dirname, "empty-pack");
/** What the CLI prints of each pack that ran, to tell the arms' previews apart. */
const PACK_RAN: Partial<Record<Arm, RegExp>> = {
  "with the pack": /moontv-guard@v0\.1\.0/,
  "with the empty pack": /moontv-empty-pack@v0\.1\.0/,
};

/** (arm − without) / without, in %, of the medians. */
function packShare(times: PreviewTimes, arm: Arm): number {
  const without = median(times["without a pack"]);
  return ((median(times[arm]) - without) / without) * 100;
}

/** `runs` previews of each arm, the order rotating each run so that each arm takes each place. */
async function alternatedPreviews(
  label: string,
  runs: number,
  args: Record<Arm, string[]>,
  inProject: () => { cwd: string; env: NodeJS.ProcessEnv },
): Promise<PreviewTimes> {
  const times: PreviewTimes = { "with the pack": [], "with the empty pack": [], "without a pack": [] };
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < ARMS.length; k++) {
      const arm = ARMS[(i + k) % ARMS.length];
      checkInterrupted();
      const r = await pulumiOk(args[arm], inProject());
      const ran = PACK_RAN[arm];
      if (ran && !ran.test(r.stdout)) throw new Error(`the preview ${arm} did not run it:\n${r.output.slice(-3000)}`);
      times[arm].push(r.ms);
      log(`${label} ${arm}, run ${i + 1}/${runs}: ${secs(r.ms)} s`);
    }
  }
  return times;
}

interface Row {
  what: string;
  times: number[];
}

async function main(): Promise<void> {
  const runs = flag("--runs", 3);
  const upRuns = flag("--up-runs", 1);
  const previewsOnly = process.argv.includes("--previews-only");
  ensureCluster();
  let project = "";
  let images: E2eImages | undefined;
  let devDeployed = false;
  let devNamespaces: string[] = [];
  let prodDeployed = false;
  let prodNamespaces: string[] = [];
  const inProject = () => ({
    cwd: project,
    env: { PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` },
  });
  const failures: string[] = [];
  try {
    project = scratchProject("bench");
    fs.mkdirSync(path.join(project, ".pulumi-state"));
    log(`scratch project ${project}; ${loadavg()}`);
    const thirdParty = new Set<string>();
    for (const stack of STACKS) imagesOfPreview(offlinePreview(project, stack)).forEach((i) => thirdParty.add(i));
    images = await startE2eImages([...thirdParty].filter((i) => !i.includes("/moontv")));
    log(`registry ${images.registry.host}: the app image and ${thirdParty.size - 1} mirrored images`);
    const namespaces: Partial<Record<Stack, string[]>> = {};
    for (const stack of STACKS) {
      rewriteStackFile(project, stack, (c) => ({
        ...e2eStackConfig(c, images!.appRef, images!.mirrors),
        "moontv:namespace": NAMESPACE[stack],
      }));
      namespaces[stack] = benchNamespaces(stack, offlinePreview(project, stack));
      log(`${stack}: namespaces ${namespaces[stack]!.join(", ")}`);
      await initStack(stack, inProject());
    }
    devNamespaces = namespaces.dev!;
    // Left by a bench that died before its cleanup: the bench's own names only (checked above).
    for (const ns of devNamespaces)
      kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);

    // 1. The real preview of prod, with each pack and without. One warm-up of each, not counted
    // (plugin binaries and the program's modules into the page cache).
    const previews: Record<Arm, string[]> = {
      "with the pack": ["preview", "-s", "prod", ...policyArgs("prod")],
      "with the empty pack": ["preview", "-s", "prod", "--policy-pack", EMPTY_PACK],
      "without a pack": ["preview", "-s", "prod"],
    };
    log("prod: warm-up previews (not counted)");
    for (const arm of ARMS) await pulumiOk(previews[arm], inProject());
    const empty = await alternatedPreviews("prod preview", runs, previews, inProject);
    const rows: Row[] = ARMS.map((arm) => ({ what: `pulumi preview prod, ${arm}`, times: empty[arm] }));

    // 2. The offline preview of the same stack (its stack file as the real previews saw it).
    const offlineTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      checkInterrupted();
      const t0 = performance.now();
      offlinePreview(project, "prod");
      offlineTimes.push(performance.now() - t0);
      log(`prod offline preview, run ${i + 1}/${runs}: ${secs(offlineTimes[i])} s`);
    }
    rows.push({ what: "offline preview prod (synth, with the pack)", times: offlineTimes });
    const shares: [string, PreviewTimes][] = [["the real preview of prod (empty state)", empty]];
    const ratio = (median(offlineTimes) / median(empty["with the pack"])) * 100;
    const verdict = (value: number, goal: number) => (value <= goal ? "met" : "NOT met");
    const summary = [
      `offline preview / real preview with the pack (empty state): ${ratio.toFixed(1)} % (goal <= ${OFFLINE_RATIO_GOAL} %): ${verdict(ratio, OFFLINE_RATIO_GOAL)}`,
    ];

    if (!previewsOnly) {
      // 3. dev from empty to converged, then destroyed again.
      const upTimes: number[] = [];
      const destroyTimes: number[] = [];
      for (let i = 0; i < upRuns; i++) {
        checkInterrupted();
        devDeployed = true;
        const up = await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
        upTimes.push(up.ms);
        log(`dev up, run ${i + 1}/${upRuns}: ${secs(up.ms)} s`);
        const destroy = await pulumiOk(["destroy", "--yes", "-s", "dev"], inProject());
        devDeployed = false;
        destroyTimes.push(destroy.ms);
        log(`dev destroy, run ${i + 1}/${upRuns}: ${secs(destroy.ms)} s`);
        // The next run starts from an empty cluster, not from a namespace still terminating.
        for (const ns of devNamespaces)
          await waitUntil(`namespace ${ns} to be deleted`, 120_000, () => namespaceGone(ns));
      }

      // 4. prod once deployed: the previews diff against live objects.
      checkInterrupted();
      prodNamespaces = namespaces.prod!;
      for (const ns of prodNamespaces)
        kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
      prodDeployed = true;
      const prodUp = await pulumiOk(["up", "--yes", "-s", "prod", ...policyArgs("prod")], inProject());
      log(`prod up: ${secs(prodUp.ms)} s`);
      const deployed = await alternatedPreviews("deployed prod preview", runs, previews, inProject);
      shares.push(["the real preview of prod (deployed)", deployed]);

      // 5. dev on the real node, with the app image built once (the build is the image bench's subject).
      checkInterrupted();
      const appRef = await buildFixtureApp();
      const real = await realNodeUps(upRuns, appRef, project, inProject, (d) => (devDeployed = d));

      // 6. prod on the real node, the same image.
      checkInterrupted();
      const prodReal = await realNodeProd(appRef);

      rows.push(
        { what: "pulumi up dev, empty to converged", times: upTimes },
        { what: "pulumi destroy dev", times: destroyTimes },
        { what: "pulumi up dev on the real node, empty to /login 200", times: real.upTimes },
        { what: "app pod start to first 200 (real node)", times: real.firstAnswerTimes },
        { what: "pulumi up prod on the real node, empty to every target up", times: [prodReal.upMs] },
        { what: "rollout of prod's app (2 replicas) under 20 requests/s", times: [prodReal.rollout.ms] },
        ...ARMS.map((arm) => ({ what: `pulumi preview prod deployed, ${arm}`, times: deployed[arm] })),
      );
      const realRatio = median(real.upTimes) / median(upTimes);
      summary.push(
        `dev up from empty to converged: median ${secs(median(upTimes))} s over ${upTimes.length} run(s)`,
        `dev up on the real node / on the fake nodes: ${realRatio.toFixed(2)} times (goal <= ${REAL_NODE_RATIO_GOAL}): ${verdict(realRatio, REAL_NODE_RATIO_GOAL)}`,
        `prod rollout on the real node: ${prodReal.rollout.load.sent} requests, ${prodReal.rollout.load.failed} failed`,
      );
    }

    const width = Math.max(...rows.map((r) => r.what.length));
    console.log(`${"measure".padEnd(width)} | runs | median s |  min s |  max s`);
    console.log(`${"-".repeat(width)}-|------|----------|--------|-------`);
    for (const r of rows) {
      console.log(
        `${r.what.padEnd(width)} | ${String(r.times.length).padStart(4)} | ${secs(median(r.times)).padStart(8)} | ${secs(Math.min(...r.times)).padStart(6)} | ${secs(Math.max(...r.times)).padStart(6)}`,
      );
    }
    for (const [what, times] of shares) {
      const ours = packShare(times, "with the pack");
      const floor = packShare(times, "with the empty pack");
      const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)} %`;
      console.log(
        `policy pack's share of ${what}: ${signed(ours)} (goal <= ${PACK_SHARE_GOAL} %): ${verdict(ours, PACK_SHARE_GOAL)}; an empty pack's (the SDK's floor): ${signed(floor)}`,
      );
    }
    for (const line of summary) console.log(line);
    console.log(loadavg());
  } finally {
    // Cleanup, each step on its own so that one failing does not skip the others.
    if (devDeployed) {
      try {
        await pulumiOk(["destroy", "--yes", "-s", "dev"], inProject());
      } catch (err) {
        failures.push(`pulumi destroy of dev: ${(err as Error).message.split("\n")[0]}`);
        // The bench's own namespaces only (benchNamespaces refused any other).
        for (const ns of devNamespaces) {
          try {
            kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
          } catch (e) {
            failures.push((e as Error).message);
          }
        }
      }
    }
    if (prodDeployed) {
      // prod's objects are protected: the stack is removed from the backend and the bench's own
      // namespaces (benchNamespaces refused any other) are deleted with everything in them.
      for (const ns of prodNamespaces) {
        try {
          kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
      try {
        await pulumiOk(["stack", "rm", "--force", "--yes", "-s", "prod"], inProject());
      } catch (err) {
        failures.push(`pulumi stack rm of prod: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    try {
      await images?.registry.stop();
    } catch (err) {
      failures.push(`registry stop: ${(err as Error).message}`);
    }
    if (project) removeScratch(project);
    releaseCluster();
    for (const f of failures) log(`cleanup: ${f}`);
  }
  if (failures.length) process.exitCode = 1;
}

/** The fixture app built once by BuildKit, pushed to the cluster's registry: its `repo@sha256:…`. */
async function buildFixtureApp(): Promise<string> {
  if (!engineEnv().E2E_REGISTRY_MIRRORS)
    throw new Error(".engine/env exports no E2E_REGISTRY_MIRRORS: restart the cluster");
  log("real node: building the fixture app once (not measured)");
  const image = await createImageStack({ name: "bench-image", namespace: "bench-image", repo: "bench/moontv" });
  try {
    const built = await image.up();
    if (built.code !== 0) throw new Error(`the fixture app's build failed:\n${built.output.slice(-4000)}`);
    return (await image.outputs()).imageRef as string;
  } finally {
    await image.remove();
  }
}

/**
 * `runs` ups of the dev stack on the real node (the fixture app, Redis from the cluster's stand-in), each
 * timed from the start of `pulumi up` to the app's first 200 on /login through its Service, then a new app
 * pod timed from containerd's start of its container to its first 200, then destroyed.
 */
async function realNodeUps(
  runs: number,
  appRef: string,
  project: string,
  inProject: () => { cwd: string; env: NodeJS.ProcessEnv },
  deployed: (d: boolean) => void,
): Promise<{ upTimes: number[]; firstAnswerTimes: number[] }> {
  const env = engineEnv();
  rewriteStackFile(project, "dev", (c) => ({
    ...c,
    "moontv:image": { ref: appRef },
    "moontv:registryMirrors": JSON.parse(env.E2E_REGISTRY_MIRRORS!),
    "moontv:kubernetes": { namespaceAnnotations: realNodeNamespaceAnnotations() },
  }));
  const ns = NAMESPACE.dev;
  const upTimes: number[] = [];
  const firstAnswerTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    checkInterrupted();
    deployed(true);
    const t0 = Date.now();
    await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
    const svc = kubectlJson(["-n", ns, "get", "service", "moontv"]);
    const answered = await first200(`http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}/login`, 120_000);
    upTimes.push(answered - t0);
    log(`dev up on the real node, run ${i + 1}/${runs}: ${secs(answered - t0)} s to /login 200`);

    // A new pod: asked directly from its first IP, timed from containerd's start of the app container.
    const appPods = () =>
      kubectlJson<{ items: Kube[] }>(["-n", ns, "get", "pods", "-l", "app.kubernetes.io/component=web"]).items;
    const old = appPods().map((p) => p.metadata.name as string);
    kubectl(["-n", ns, "delete", "pod", ...old, "--wait=false"]);
    let pod: Kube | undefined;
    await waitUntil("a new app pod with an IP", 120_000, () => {
      pod = appPods().find((p) => !old.includes(p.metadata.name) && p.status.podIP);
      return !!pod;
    });
    const port = pod!.spec.containers[0].ports[0].containerPort as number;
    const firstAnswer = await first200(`http://${pod!.status.podIP}:${port}/login`, 180_000);
    const status = kubectlJson(["-n", ns, "get", "pod", pod!.metadata.name]).status.containerStatuses as Kube[];
    const app = status.find((c) => c.name === "moontv")!;
    // crictl's startedAt has nanoseconds; the pod status's has seconds.
    const startedAt = Date.parse(crictlInspect(app.containerID).status.startedAt);
    firstAnswerTimes.push(firstAnswer - startedAt);
    log(`app start to first 200, run ${i + 1}/${runs}: ${secs(firstAnswer - startedAt)} s`);

    await pulumiOk(["destroy", "--yes", "-s", "dev"], inProject());
    deployed(false);
    await waitUntil(`namespace ${ns} to be deleted`, 180_000, () => namespaceGone(ns));
  }
  return { upTimes, firstAnswerTimes };
}

process.on("SIGINT", () => {
  interrupted = true;
  log("interrupted: stopping after the current step, then cleaning up");
});

/**
 * prod on the real node in a scratch project of its own (namespace bench-prod-node): up from empty until
 * every Prometheus target is up and the probe of the app succeeds, then a rollout under load; always
 * unprotected, destroyed and its namespaces deleted after.
 */
async function realNodeProd(appRef: string): Promise<{ upMs: number; rollout: Rollout }> {
  const env = engineEnv();
  const ns = "bench-prod-node";
  const project = scratchProject("bench-prod-node");
  fs.mkdirSync(path.join(project, ".pulumi-state"));
  const inProject = () => ({
    cwd: project,
    env: { PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` },
  });
  rewriteStackFile(project, "prod", (c) => ({
    ...c,
    "moontv:namespace": ns,
    "moontv:image": { ref: appRef },
    "moontv:registryMirrors": JSON.parse(env.E2E_REGISTRY_MIRRORS!),
    "moontv:kubernetes": { namespaceAnnotations: realNodeNamespaceAnnotations() },
    "moontv:monitoring": {
      grafana: false,
      nodeExporterNodeSelector: `${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
    },
  }));
  await initStack("prod", inProject());
  try {
    const t0 = Date.now();
    await pulumiOk(["up", "--yes", "-s", "prod", ...policyArgs("prod")], inProject());
    const prom = kubectlJson(["-n", ns, "get", "pod", "prometheus-0"]);
    const base = `http://${prom.status.podIP}:9090`;
    await allTargetsUp(base, 300_000);
    await waitUntil("the probe of the app to succeed", 120_000, async () => {
      const probe = await prometheusApi(base, `query?query=${encodeURIComponent("probe_success")}`);
      return probe.result[0]?.value[1] === "1";
    });
    const upMs = Date.now() - t0;
    log(`prod up on the real node: ${secs(upMs)} s to every target up`);
    const svc = kubectlJson(["-n", ns, "get", "service", "moontv"]);
    await pulumiOk(
      ["config", "set", "-s", "prod", "--path", "moontv:app.siteName", "MoonTV bench rollout"],
      inProject(),
    );
    const rollout = await rolloutUnderLoad({
      url: `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}/login`,
      perSecond: 20,
      replicas: 2,
      pods: () =>
        kubectlJson<{ items: Kube[] }>(["-n", ns, "get", "pods", "-l", "app.kubernetes.io/component=web"]).items.filter(
          (p) => !p.metadata.deletionTimestamp,
        ),
      update: async () => void (await pulumiOk(["up", "--yes", "-s", "prod", ...policyArgs("prod")], inProject())),
    });
    log(`prod rollout: ${secs(rollout.ms)} s, ${rollout.load.sent} requests, ${rollout.load.failed} failed`);
    return { upMs, rollout };
  } finally {
    await pulumiOk(["state", "unprotect", "--all", "--yes", "-s", "prod"], inProject()).catch(() => undefined);
    await pulumiOk(["destroy", "--yes", "-s", "prod"], inProject()).catch((err) =>
      log(`prod destroy: ${(err as Error).message.split("\n")[0]}`),
    );
    for (const n of [ns, `${ns}-node-exporter`])
      kubectl(["delete", "namespace", n, "--ignore-not-found", "--wait=false"]);
    removeScratch(project);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
