/**
 * Both stacks under the real Pulumi CLI, the real kubernetes and random providers, the real policy pack
 * and the local control plane: preview with the pack, up to convergence, faithful to the offline
 * preview, idempotent, updated in place, secrets never in the state, destroyed as the stack says.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { kubectl, kubectlJson, pulumi, pulumiOk, type Kube } from "./support/engine";
import { startE2eImages, type E2eImages } from "./support/images";
import { noHostProcessOutlives, reapSession } from "./support/processes";
import { waitUntil } from "./support/wait";
import { removeScratch, scratchProject } from "./support/project";
import {
  differences,
  e2eStackConfig,
  imagesOfPreview,
  initStack,
  liveObject,
  namespacesOf,
  offlinePreview,
  policyArgs,
  previewObjects,
  rewriteStackFile,
} from "./support/stack";

const STACKS = ["dev", "prod"] as const;
type Stack = (typeof STACKS)[number];

describe("dev and prod stacks under the real engine (e2e)", function () {
  let project: string;
  let images: E2eImages;
  const previews: Partial<Record<Stack, string>> = {};

  /** Where the CLI runs: the scratch copy, with a backend of its own (a run never meets old stacks). */
  const inProject = () => ({
    cwd: project,
    env: { PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` },
  });

  /** `pulumi config set --path` on the dev stack, as a user types it. */
  const setConfig = (key: string, value: string) =>
    pulumiOk(["config", "set", "-s", "dev", "--path", key, value], inProject());

  before(async function () {
    project = scratchProject("stacks");
    fs.mkdirSync(path.join(project, ".pulumi-state"));
    // The registry mirrors exactly the third-party images the stacks' offline previews use.
    const thirdParty = new Set<string>();
    for (const stack of STACKS) imagesOfPreview(offlinePreview(project, stack)).forEach((i) => thirdParty.add(i));
    images = await startE2eImages([...thirdParty].filter((i) => !i.includes("/moontv")));
    for (const stack of STACKS) {
      rewriteStackFile(project, stack, (c) => e2eStackConfig(c, images.appRef, images.mirrors));
      previews[stack] = offlinePreview(project, stack);
      // Objects a run that died left in the cluster would clash with the new stack's.
      for (const ns of namespacesOf(previews[stack]!))
        kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
      await initStack(stack, inProject());
    }
  });

  after(async function () {
    await images?.registry.stop();
    if (project && !process.env.MOONTV_E2E_KEEP) removeScratch(project);
    // No pulumi command of this suite (each awaited to its end) left a process of our host behind.
    await noHostProcessOutlives("the stacks suite's pulumi commands");
  });

  // Mocha runs a suite's own tests before its nested suites: each phase is a suite, in order.
  describe("preview", () => {
    for (const stack of STACKS) {
      it(`${stack}: pulumi preview with the policy pack and the stack's policy config succeeds`, async () => {
        const r = await pulumiOk(["preview", "-s", stack, ...policyArgs(stack)], inProject());
        assert.match(r.stdout, /moontv-guard@v0\.1\.0/);
        assert.doesNotMatch(r.output, /mandatory/i);
      });
    }

    it("a bad setting fails the real preview with the one-line message and no stack trace", async () => {
      await pulumiOk(["config", "set", "-s", "dev", "--path", "moontv:app.replicas", "0"], inProject());
      try {
        const r = await pulumi(["preview", "-s", "dev"], inProject());
        assert.notEqual(r.code, 0);
        assert.match(
          r.output,
          /moontv:app\.replicas in Pulumi\.dev\.yaml: got 0; allowed: a whole number of replicas from 1 to 50/,
        );
        assert.doesNotMatch(r.output, /\n\s+at .+\(.+:\d+:\d+\)/, "no stack trace");
      } finally {
        await pulumiOk(["config", "rm", "-s", "dev", "--path", "moontv:app.replicas"], inProject());
      }
    });

    it("numbers that `pulumi config set --path` stores (cpu 1, redis.version 8) are taken", async () => {
      await setConfig("moontv:app.resources.limits.cpu", "1");
      await setConfig("moontv:redis.version", "8");
      try {
        const stored = (await pulumiOk(["config", "get", "-s", "dev", "moontv:app"], inProject())).stdout;
        assert.match(stored, /"cpu":\s*1\b/, "the CLI stored a number");
        await pulumiOk(["preview", "-s", "dev", ...policyArgs("dev")], inProject());
      } finally {
        await pulumiOk(["config", "rm", "-s", "dev", "--path", "moontv:app.resources.limits.cpu"], inProject());
        await pulumiOk(["config", "rm", "-s", "dev", "--path", "moontv:redis.version"], inProject());
      }
    });

    it("render-to-directory together with a kubeconfig context is refused before anything runs", async () => {
      await pulumiOk(
        ["config", "set", "-s", "dev", "--path", "moontv:kubernetes.renderYamlToDirectory", "rendered"],
        inProject(),
      );
      await pulumiOk(
        ["config", "set", "-s", "dev", "--path", "moontv:kubernetes.context", "moontv-local"],
        inProject(),
      );
      try {
        const r = await pulumi(["preview", "-s", "dev"], inProject());
        assert.notEqual(r.code, 0);
        assert.match(
          r.output,
          /moontv:kubernetes\.renderYamlToDirectory in Pulumi\.dev\.yaml: .*unset kubernetes\.context/,
        );
        assert.doesNotMatch(r.output, / \+ {2}kubernetes:/, "no Kubernetes object was planned");
      } finally {
        await pulumiOk(["config", "rm", "-s", "dev", "moontv:kubernetes"], inProject());
      }
    });

    it("without --policy-pack-config the pack fails closed: dev's preview meets prod's rules and fails", async () => {
      const r = await pulumi(["preview", "-s", "dev", "--policy-pack", "policy"], inProject());
      assert.notEqual(r.code, 0);
      assert.match(r.output, /\[mandatory\]\s+images-pinned-by-digest/);
    });
  });

  for (const stack of STACKS) {
    describe(`${stack}: pulumi up`, () => {
      let upStarted = 0;
      before(async () => {
        upStarted = Date.now();
        await pulumiOk(["up", "--yes", "-s", stack, ...policyArgs(stack)], inProject());
      });

      it("every object of the offline preview exists and matches it field by field", () => {
        const problems: string[] = [];
        for (const { file, object } of previewObjects(previews[stack]!)) {
          const live = liveObject(object);
          if (object.kind === "Secret") {
            const want = Object.keys({ ...(object.stringData as object), ...(object.data as object) });
            const have = Object.keys((live.data as object) ?? {});
            if (want.some((k) => !have.includes(k))) problems.push(`${file}: keys ${want} not all in ${have}`);
            const { stringData: _s, data: _d, ...rest } = object;
            problems.push(...differences(rest, live).map((d) => `${file}${d}`));
          } else {
            problems.push(...differences(object, live).map((d) => `${file}${d}`));
          }
        }
        assert.deepEqual(problems, []);
      });

      it("every pod is Ready and admission created every one (no FailedCreate)", () => {
        for (const ns of namespacesOf(previews[stack]!)) {
          const pods = kubectlJson<{ items: Kube[] }>(["-n", ns, "get", "pods"]).items;
          for (const pod of pods) {
            const ready = pod.status.conditions?.find((c: Kube) => c.type === "Ready")?.status;
            assert.equal(ready, "True", `${ns}/${pod.metadata.name} is not Ready`);
          }
          const failed = kubectlJson<{ items: Kube[] }>([
            "-n",
            ns,
            "get",
            "events",
            "--field-selector",
            "reason=FailedCreate",
          ]).items;
          assert.deepEqual(
            failed.map((e) => e.message),
            [],
            `FailedCreate events in ${ns}`,
          );
        }
      });

      it("the app's pods were created only after Redis was ready", () => {
        const ns = namespacesOf(previews[stack]!).find((n) => n.startsWith("moontv"))!;
        const redis = kubectlJson(["-n", ns, "get", "pod", "redis-0"]);
        const redisReady = Date.parse(redis.status.conditions.find((c: Kube) => c.type === "Ready").lastTransitionTime);
        const app = kubectlJson<{ items: Kube[] }>([
          "-n",
          ns,
          "get",
          "pods",
          "-l",
          "app.kubernetes.io/name=moontv,app.kubernetes.io/component=web",
        ]).items;
        assert.ok(app.length > 0, "no app pods");
        for (const p of app)
          assert.ok(
            Date.parse(p.metadata.creationTimestamp) >= redisReady,
            `${p.metadata.name} started before redis-0 was Ready`,
          );
        assert.ok(redisReady >= upStarted - 1000);
      });

      it("a second pulumi up changes nothing", async () => {
        await pulumiOk(["up", "--yes", "--expect-no-changes", "-s", stack, ...policyArgs(stack)], inProject());
      });

      it("the stack state holds none of the secret values in plain text", async () => {
        const state = (await pulumiOk(["stack", "export", "-s", stack], inProject())).stdout;
        const ns = namespacesOf(previews[stack]!).find((n) => n.startsWith("moontv"))!;
        for (const name of ["moontv-auth", "redis-auth"]) {
          const secret = kubectlJson(["-n", ns, "get", "secret", name]);
          for (const [key, b64] of Object.entries(secret.data as Record<string, string>)) {
            const value = Buffer.from(b64, "base64").toString("utf8");
            if (key === "USERNAME") continue; // the owner's user name is not a secret value
            for (const line of value.split("\n").filter((l) => l.length >= 8)) {
              assert.ok(!state.includes(line), `${name}.${key} appears in plain text in the state`);
            }
          }
        }
      });
    });
  }

  describe("changes and teardown", () => {
    it("dev as the MoonTV flavor: a changed replica count and config.json update in place; Redis and its claim keep their UIDs", async () => {
      const ns = namespacesOf(previews.dev!).find((n) => n.startsWith("moontv"))!;
      const uid = (kind: string, name: string) => kubectlJson(["-n", ns, "get", kind, name]).metadata.uid as string;
      // LunaTV (the stacks' flavor) reads no config.json: the MoonTV flavor mounts one from a ConfigMap.
      await setConfig("moontv:app.flavor", "moontv");
      await setConfig("moontv:app.configJson", "config/moontv.config.json");
      const switched = await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
      assert.doesNotMatch(switched.stdout, /replaced|deleted/);
      const before = {
        sts: uid("statefulset", "redis"),
        pvc: uid("pvc", "data-redis-0"),
        deploy: uid("deployment", "moontv"),
      };
      const configFile = path.join(project, "config", "moontv.config.json");
      const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
      config.cache_time = 3600;
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
      await setConfig("moontv:app.replicas", "2");
      const r = await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
      assert.doesNotMatch(r.stdout, /replaced|deleted/);
      assert.equal(kubectlJson(["-n", ns, "get", "deployment", "moontv"]).status.readyReplicas, 2);
      const live = JSON.parse(kubectlJson(["-n", ns, "get", "configmap", "moontv-config"]).data["config.json"]);
      assert.equal(live.cache_time, 3600);
      assert.deepEqual(
        { sts: uid("statefulset", "redis"), pvc: uid("pvc", "data-redis-0"), deploy: uid("deployment", "moontv") },
        before,
      );
      // Back to the stack file's settings, so that later tests see the offline preview's objects.
      for (const key of ["moontv:app.replicas", "moontv:app.configJson", "moontv:app.flavor"]) {
        await pulumiOk(["config", "rm", "-s", "dev", "--path", key], inProject());
      }
    });

    it("dev: an enabled Ingress does not make pulumi up wait for a load balancer no controller sets", async () => {
      await setConfig("moontv:ingress.enabled", "true");
      await setConfig("moontv:ingress.host", "tv.example.com");
      try {
        // The provider's Ingress await would wait 10 minutes for a status no controller here ever sets.
        const r = await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], {
          ...inProject(),
          timeoutMs: 240_000,
        });
        assert.match(r.stdout, /kubernetes:networking\.k8s\.io\/v1:Ingress\s+moontv\s+created/);
        const ns = namespacesOf(previews.dev!).find((n) => n.startsWith("moontv"))!;
        const ingress = kubectlJson(["-n", ns, "get", "ingress", "moontv"]);
        assert.equal(ingress.metadata.annotations["pulumi.com/skipAwait"], "true");
        assert.equal(ingress.status?.loadBalancer?.ingress, undefined, "no controller set a status");
      } finally {
        await pulumiOk(["config", "rm", "-s", "dev", "moontv:ingress"], inProject());
        await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
      }
    });

    it("examples/consumer reads prod's outputs through a real StackReference", async () => {
      const consumer = { ...inProject(), cwd: path.join(project, "examples", "consumer") };
      kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "status" } }),
      );
      await initStack("e2e", consumer);
      await pulumiOk(["config", "set", "moontvStack", "organization/moontv/prod"], consumer);
      await pulumiOk(["up", "--yes"], consumer);
      const shown = JSON.parse((await pulumiOk(["stack", "output", "--json"], consumer)).stdout);
      const prod = JSON.parse((await pulumiOk(["stack", "output", "--json", "-s", "prod"], inProject())).stdout);
      assert.equal(shown.moontvUrl, prod.appUrl);
      assert.deepEqual(shown.moontvServices, prod.serviceNames);
      assert.equal(shown.moontvRedisUrl, "[secret]", "the Redis URL stays a secret in the consumer's stack");
      const links = kubectlJson(["-n", "status", "get", "configmap", shown.linksConfigMap]);
      assert.equal(links.data.MOONTV_URL, prod.appUrl);
      assert.equal(links.data.PROMETHEUS_URL, prod.prometheusUrl);
      await pulumiOk(["destroy", "--yes"], consumer);
    });

    it("dev: the CLI killed (SIGKILL) in the middle of pulumi up; cancel, refresh and up converge, nothing lost, doubled or orphaned", async () => {
      await pulumiOk(["destroy", "--yes", "-s", "dev"], inProject());
      // Killed once the engine has started creating objects in the cluster, before it finished.
      let killedAt = "";
      const crashed = await pulumi(["up", "--yes", "-s", "dev", ...policyArgs("dev")], {
        ...inProject(),
        onOutput: (out, kill) => {
          if (!killedAt && /kubernetes:core\/v1:(Secret|ConfigMap|Service) .*creat/.test(out)) {
            killedAt =
              out
                .split("\n")
                .filter((l) => /creat/.test(l))
                .pop() ?? "";
            kill();
          }
        },
      });
      assert.ok(killedAt, `pulumi up finished before it could be killed:\n${crashed.output.slice(-3000)}`);
      assert.equal(crashed.code, null, "killed by a signal");
      // Our language host, the program and the policy pack end with the killed CLI.
      await noHostProcessOutlives("the killed pulumi up");
      // What outlives it is Pulumi's own plugins (see support/processes): reaped here, so no run leaves
      // providers behind; anything else left in the CLI's session would be ours, and fails.
      const left = reapSession(crashed.pid);
      const notPulumis = left.filter((p) => !/pulumi-resource-|@pulumi\/pulumi\/cmd\/dynamic-provider/.test(p.cmdline));
      assert.deepEqual(notPulumis, [], "only Pulumi's own plugins outlive the killed CLI");
      await waitUntil("the killed CLI's session to be empty", 10_000, () => reapSession(crashed.pid).length === 0);
      // The documented recovery (README: "When an update was interrupted").
      await pulumi(["cancel", "--yes", "-s", "dev"], inProject());
      await pulumiOk(["refresh", "--yes", "--clear-pending-creates", "-s", "dev"], inProject());
      await pulumiOk(["up", "--yes", "-s", "dev", ...policyArgs("dev")], inProject());
      await pulumiOk(["up", "--yes", "--expect-no-changes", "-s", "dev", ...policyArgs("dev")], inProject());
      const state = JSON.parse((await pulumiOk(["stack", "export", "-s", "dev"], inProject())).stdout);
      assert.deepEqual(state.deployment.pending_operations ?? [], [], "no pending operations left");
      const inState = (state.deployment.resources as Kube[])
        .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:providers"))
        .map((r) => `${r.outputs.kind}/${r.outputs.metadata.namespace ?? ""}/${r.outputs.metadata.name}`);
      assert.equal(new Set(inState).size, inState.length, `an object is in the state twice: ${inState}`);
      const expected = previewObjects(previews.dev!).map(
        (o) => `${o.object.kind}/${o.object.metadata.namespace ?? ""}/${o.object.metadata.name}`,
      );
      assert.deepEqual([...inState].sort(), [...expected].sort(), "the state holds exactly the program's objects");
      // Nothing the crashed run made is left outside the state.
      const ns = namespacesOf(previews.dev!).find((n) => n.startsWith("moontv"))!;
      for (const kind of [
        "secrets",
        "configmaps",
        "services",
        "deployments",
        "statefulsets",
        "persistentvolumeclaims",
        "networkpolicies",
      ]) {
        const live = kubectlJson<{ items: Kube[] }>([
          "-n",
          ns,
          "get",
          kind,
          "-l",
          "app.kubernetes.io/managed-by=pulumi",
        ]).items;
        for (const o of live)
          assert.ok(inState.includes(`${o.kind}/${ns}/${o.metadata.name}`), `${o.kind} ${o.metadata.name} is orphaned`);
      }
    });

    it("prod: pulumi destroy deletes nothing protected and says why", async () => {
      const r = await pulumi(["destroy", "--yes", "-s", "prod"], inProject());
      assert.notEqual(r.code, 0);
      assert.match(r.output, /protected/);
      const ns = namespacesOf(previews.prod!).find((n) => n.startsWith("moontv"))!;
      kubectl(["get", "namespace", ns]);
      kubectl(["-n", ns, "get", "statefulset", "redis"]);
      kubectl(["-n", ns, "get", "pvc", "data-redis-0"]);
    });

    it("dev: pulumi destroy leaves nothing behind", async () => {
      await pulumiOk(["destroy", "--yes", "-s", "dev"], inProject());
      for (const ns of namespacesOf(previews.dev!)) {
        const left = kubectl(["get", "namespace", ns, "--ignore-not-found", "-o", "jsonpath={.status.phase}"]).trim();
        assert.ok(left === "" || left === "Terminating", `namespace ${ns} is still ${left}`);
      }
      const state = JSON.parse((await pulumiOk(["stack", "export", "-s", "dev"], inProject())).stdout);
      assert.deepEqual(state.deployment.resources ?? [], []);
    });
  });
});
