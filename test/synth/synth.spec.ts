import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR, SynthInputError } from "../../tools/synth/input";
import { OFFLINE_PROVIDER_CODE } from "../../tools/synth/dynamic-providers";
import { synthesize } from "../../tools/synth/run";
import { writeSynthFiles } from "../../tools/synth/write";
import { runSynthCli } from "../support/synth";
import type { RecordedResource } from "../../tools/policy/types";
import { readDockerfile } from "../../components/image/dockerfile";
import { sizeBudgetProvider, vulnerabilityGateProvider } from "../../components/image";
import { CLAIM_CLASS_GUARD_KIND, classGuardProvider } from "../../components/shared/claims";
import { SCAN_GATE_KIND } from "../../lib/vulnerability-scan-contract";
import { SIZE_CHECK_KIND } from "../../lib/size-budget-contract";
import { validateKubernetesObject } from "../support/kubernetes-models";
import { serializedProvider } from "../support/dynamic-provider";
import { synthOnce } from "../support/synth";

const byType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
const named = (rs: RecordedResource[], type: string, name: string) =>
  rs.find((r) => r.type === type && (r.props.metadata as { name?: string } | undefined)?.name === name);

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

for (const stack of ["dev", "prod"]) {
  describe(`offline preview of the ${stack} stack`, function () {
    this.timeout(120_000);
    let outRoot: string;
    let files: string[];

    before(async () => {
      const result = await synthOnce(stack);
      outRoot = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${stack}-`));
      writeSynthFiles(outRoot, result);
      files = allFiles(path.join(outRoot, stack));
    });
    after(() => fs.rmSync(outRoot, { recursive: true, force: true }));

    it("renders every Kubernetes object, each valid against the Kubernetes OpenAPI schema", async () => {
      const { resources } = await synthOnce(stack);
      const objects = resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"));
      assert.ok(objects.length >= 10, `only ${objects.length} objects`);
      for (const r of objects) validateKubernetesObject(r.props as never);
      const yamlFiles = files.filter((f) => f.includes(`${path.sep}kubernetes${path.sep}`));
      assert.equal(yamlFiles.length, objects.length);
      for (const f of yamlFiles) validateKubernetesObject(parseYaml(fs.readFileSync(f, "utf8")));
    });

    it("names objects as compose names its services", async () => {
      const { resources } = await synthOnce(stack);
      assert.ok(named(resources, "kubernetes:apps/v1:Deployment", "moontv"));
      assert.ok(named(resources, "kubernetes:core/v1:Service", "moontv"));
      assert.ok(named(resources, "kubernetes:apps/v1:StatefulSet", "redis"));
      assert.ok(named(resources, "kubernetes:core/v1:Service", "redis"));
      for (const name of ["moontv-auth", "redis-auth"])
        assert.ok(named(resources, "kubernetes:core/v1:Secret", name), name);
    });

    it("writes no secret value into any file: Secret data, generated passwords and stack outputs are [secret]", async () => {
      const { placeholders } = await synthOnce(stack);
      const leaks = [...placeholders, "offline-preview-random-"];
      for (const f of files) {
        const text = fs.readFileSync(f, "utf8");
        for (const leak of leaks) assert.ok(!text.includes(leak), `${path.basename(f)} contains ${leak}`);
        assert.doesNotMatch(text, /redis:\/\/:[^@[]+@/, `${path.basename(f)} contains a Redis URL with a password`);
      }
      const secret = parseYaml(
        fs.readFileSync(path.join(outRoot, stack, "kubernetes", "secret-redis-auth.yaml"), "utf8"),
      );
      assert.deepEqual(secret.stringData, { password: "[secret]", "auth.conf": "[secret]" });
      const outputs = JSON.parse(fs.readFileSync(path.join(outRoot, stack, "outputs.json"), "utf8"));
      assert.equal(outputs.redisUrl, "[secret]");
    });

    it("keeps secrets out of ConfigMaps and env literals", async () => {
      const { resources } = await synthOnce(stack);
      for (const cm of byType(resources, "kubernetes:core/v1:ConfigMap")) {
        assert.doesNotMatch(JSON.stringify(cm.props), /requirepass|PASSWORD=|offline-preview/i, cm.name);
      }
      const dep = named(resources, "kubernetes:apps/v1:Deployment", "moontv")!;
      const containers = (dep.props as any).spec.template.spec.containers; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const e of containers[0].env)
        if (/PASSWORD|TOKEN|REDIS_URL/.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef, e.name);
    });

    it("writes the Dockerfile the build uses and build.json describing each build", async () => {
      assert.equal(fs.readFileSync(path.join(outRoot, stack, "image", "Dockerfile"), "utf8"), readDockerfile());
      const builds = JSON.parse(fs.readFileSync(path.join(outRoot, stack, "image", "build.json"), "utf8"));
      assert.equal(builds.length, stack === "prod" ? 2 : 1);
      for (const b of builds) {
        for (const key of [
          "name",
          "context",
          "target",
          "platforms",
          "tags",
          "buildArgs",
          "cacheFrom",
          "cacheTo",
          "push",
        ])
          assert.ok(key in b, `build.json lacks ${key}`);
        assert.equal(b.target, "runner");
        assert.equal(b.push, true);
        assert.ok(b.cacheTo.every((c: { registry: { mode: string } }) => c.registry.mode === "max"));
        assert.match(b.buildArgs.RUNTIME_BASE_IMAGE, /distroless\/nodejs24-debian13/);
        for (const t of b.tags) assert.match(t, /^[a-z0-9.:-]+\/[a-z0-9/._-]+:[\w.-]+$/, t);
      }
    });

    it("exports the output contract, the Redis URL as a secret", async () => {
      const { outputs } = await synthOnce(stack);
      const ns = stack === "dev" ? "moontv-dev" : "moontv";
      assert.equal(outputs.namespace.value, ns);
      assert.equal(outputs.appServiceHost.value, `moontv.${ns}.svc.cluster.local`);
      assert.equal(outputs.appUrl.value, `http://moontv.${ns}.svc.cluster.local:3000`);
      assert.equal(outputs.appPort.value, 3000);
      assert.equal(outputs.storageType.value, "redis");
      assert.equal(outputs.redisHost.value, "redis");
      assert.equal(outputs.redisPort.value, 6379);
      assert.equal(outputs.redisUrl.secret, true);
      assert.equal(outputs.namespace.secret, false);
    });
  });
}

describe("offline preview: per-stack differences", function () {
  this.timeout(120_000);

  it("prod protects and retains Redis and its namespace; dev does not", async () => {
    for (const [stack, expected] of [
      ["prod", true],
      ["dev", false],
    ] as const) {
      const { resources } = await synthOnce(stack);
      for (const r of [
        named(resources, "kubernetes:apps/v1:StatefulSet", "redis")!,
        byType(resources, "kubernetes:core/v1:Namespace")[0],
      ]) {
        assert.equal(r.options.protect, expected, `${stack} ${r.name} protect`);
        assert.equal(r.options.retainOnDelete, expected, `${stack} ${r.name} retainOnDelete`);
      }
    }
  });

  it("prod runs two replicas and pins the Redis image by digest; dev runs one", async () => {
    const prod = await synthOnce("prod");
    const dev = await synthOnce("dev");
    const replicas = (r: RecordedResource) => (r.props as any).spec.replicas; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(replicas(named(prod.resources, "kubernetes:apps/v1:Deployment", "moontv")!), 2);
    assert.equal(replicas(named(dev.resources, "kubernetes:apps/v1:Deployment", "moontv")!), 1);
    const image = (r: RecordedResource) => (r.props as any).spec.template.spec.containers[0].image; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.match(
      image(named(prod.resources, "kubernetes:apps/v1:StatefulSet", "redis")!),
      /^docker\.io\/library\/redis:7\.4-bookworm@sha256:[a-f0-9]{64}$/,
    );
    assert.equal(
      image(named(dev.resources, "kubernetes:apps/v1:StatefulSet", "redis")!),
      "docker.io/library/redis:7.4-bookworm",
    );
  });

  it("the app waits for Redis: the Deployment depends on the StatefulSet", async () => {
    const { resources } = await synthOnce("dev");
    const dep = named(resources, "kubernetes:apps/v1:Deployment", "moontv")!;
    const sts = named(resources, "kubernetes:apps/v1:StatefulSet", "redis")!;
    assert.ok(dep.options.dependsOn.includes(sts.urn), dep.options.dependsOn.join(", "));
  });

  it("builds the image and deploys the pushed digest: the Index digest in prod, the image digest in dev", async () => {
    for (const [stack, platforms] of [
      ["prod", ["linux/amd64", "linux/arm64"]],
      ["dev", ["linux/amd64"]],
    ] as const) {
      const { resources, outputs } = await synthOnce(stack);
      const builds = byType(resources, "docker-build:index:Image");
      assert.deepEqual(
        builds.map((b) => (b.props.platforms as string[])[0]),
        platforms,
      );
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const image = (named(resources, "kubernetes:apps/v1:Deployment", "moontv")!.props as any).spec.template.spec
        .containers[0].image;
      assert.match(image, /^[a-z0-9.:/-]+@sha256:[a-f0-9]{64}$/, image);
      assert.equal(image, outputs.imageRef.value);
      assert.equal(byType(resources, "docker-build:index:Index").length, platforms.length > 1 ? 1 : 0);
    }
  });

  it("rolls the app out only after the image passed its size check", async () => {
    for (const stack of ["dev", "prod"]) {
      const { resources } = await synthOnce(stack);
      const check = resources.find(
        (r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.props.kind === "moontv:image:SizeBudgetCheck",
      )!;
      assert.ok(check, `${stack}: no size check`);
      const dep = named(resources, "kubernetes:apps/v1:Deployment", "moontv")!;
      assert.ok(dep.options.dependsOn.includes(check.urn), `${stack}: ${dep.options.dependsOn.join(", ")}`);
    }
  });

  it("records a marker in place of each dynamic provider's code, as users run it; each provider serializes for real, self-contained and secret-free", async function () {
    this.timeout(120_000);
    // A fresh process, as `npm run synth` runs: the SDK serializes a provider once per process.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-providers-"));
    const kinds = new Set<string>();
    try {
      for (const stack of ["dev", "prod"]) {
        const r = runSynthCli([stack, "--out", out]);
        assert.equal(r.status, 0, `${stack}: ${r.stdout}${r.stderr}`);
        const resources = JSON.parse(
          fs.readFileSync(path.join(out, stack, "resources.json"), "utf8"),
        ) as RecordedResource[];
        const dynamic = byType(resources, "pulumi-nodejs:dynamic:Resource");
        assert.ok(dynamic.length >= 2, `${stack}: dynamic resources ${dynamic.length}`);
        for (const d of dynamic) {
          assert.equal(d.props.__provider, OFFLINE_PROVIDER_CODE, `${stack}: ${d.name}`);
          kinds.add(d.props.kind as string);
        }
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    // The program's dynamic providers by kind: a new kind fails here until its provider is listed.
    const providers: Record<string, pulumi.dynamic.ResourceProvider> = {
      [CLAIM_CLASS_GUARD_KIND]: classGuardProvider,
      [SIZE_CHECK_KIND]: sizeBudgetProvider,
      [SCAN_GATE_KIND]: vulnerabilityGateProvider,
    };
    assert.deepEqual([...kinds].sort(), Object.keys(providers).sort(), "the kinds of dynamic resources");
    for (const [kind, provider] of Object.entries(providers)) {
      const { loaded, containsSecrets } = await serializedProvider(provider);
      assert.equal(containsSecrets, false, `${kind}: the provider captured a secret`);
      assert.deepEqual(Object.keys(loaded).sort(), Object.keys(provider).sort(), `${kind}: the loaded provider`);
    }
  });

  it("every Kubernetes object uses the provider built from the settings", async () => {
    const { resources } = await synthOnce("prod");
    const provider = byType(resources, "pulumi:providers:kubernetes");
    assert.equal(provider.length, 1);
    assert.equal((provider[0].props as { namespace?: string }).namespace, "moontv");
    for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.ok(r.options.provider?.startsWith(provider[0].urn), `${r.name}: ${r.options.provider}`);
    }
  });
});

describe("offline preview: bad input", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bad-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.broken.yaml"),
      "config:\n  moontv:environment: dev\n  moontv:image:\n    ref: x/y:1\n  moontv:app:\n    replicas: 0\n",
    );
    fs.writeFileSync(path.join(dir, "Pulumi.garbled.yaml"), "config: [\n");
    fs.writeFileSync(
      path.join(dir, "Pulumi.prebuilt.yaml"),
      `config:\n  moontv:environment: prod\n  moontv:image:\n    ref: ghcr.io/acme/moontv@sha256:${"e".repeat(64)}\n`,
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("an invalid setting stops the preview with a SynthInputError naming the key", async () => {
    await assert.rejects(
      synthesize("broken", { stackDir: dir }),
      (err: Error) =>
        err instanceof SynthInputError && /moontv:app\.replicas in Pulumi\.broken\.yaml: got 0/.test(err.message),
    );
  });

  it("a prebuilt image ref is deployed as given, with no build", async () => {
    const { resources, outputs } = await synthesize("prebuilt", { stackDir: dir });
    assert.equal(byType(resources, "docker-build:index:Image").length, 0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const image = (named(resources, "kubernetes:apps/v1:Deployment", "moontv")!.props as any).spec.template.spec
      .containers[0].image;
    assert.equal(image, `ghcr.io/acme/moontv@sha256:${"e".repeat(64)}`);
    assert.equal(outputs.imageRef.value, image);
  });

  it("a malformed stack file is named", async () => {
    await assert.rejects(
      synthesize("garbled", { stackDir: dir }),
      (err: Error) => err instanceof SynthInputError && /Pulumi\.garbled\.yaml is not valid YAML/.test(err.message),
    );
  });

  it("`npm run synth` exits 2 with one clear line for an unknown stack", () => {
    const r = runSynthCli(["staging"]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown stack "staging": there is no Pulumi\.staging\.yaml; known stacks: dev, prod/);
  });

  it("`npm run synth` exits 2 with the message and no stack trace for an invalid setting", () => {
    const r = runSynthCli(["broken", "--stack-dir", dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      "error: moontv:app.replicas in Pulumi.broken.yaml: got 0; allowed: a whole number of replicas from 1 to 50.",
    );
  });

  it("`npm run synth` exits 2 naming --program or --stack-dir when it does not exist", () => {
    const program = path.join(dir, "missing.ts");
    const r = runSynthCli(["prebuilt", "--stack-dir", dir, "--program", program]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim(), `error: --program ${program}: no such file`);
    const gone = path.join(dir, "gone");
    assert.equal(
      runSynthCli(["prebuilt", "--stack-dir", gone]).stderr.trim(),
      `error: --stack-dir ${gone}: no such directory`,
    );
  });
});

describe("offline preview: file names", () => {
  it("qualifies with the namespace only the kind/name pairs that exist in several namespaces", async () => {
    const { kubernetesFileNames } = await import("../../tools/synth/write");
    const np = (name: string, namespace: string) => ({ kind: "NetworkPolicy", metadata: { name, namespace } });
    assert.deepEqual(
      kubernetesFileNames([
        np("default-deny", "moontv"),
        np("default-deny", "moontv-node-exporter"),
        np("allow-dns", "moontv"),
        { kind: "Namespace", metadata: { name: "moontv" } },
      ]),
      [
        "networkpolicy-moontv-default-deny.yaml",
        "networkpolicy-moontv-node-exporter-default-deny.yaml",
        "networkpolicy-allow-dns.yaml",
        "namespace-moontv.yaml",
      ],
    );
  });
});
