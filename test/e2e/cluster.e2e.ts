/**
 * The local control plane itself: every binary reports its real version, the real PodSecurity admission
 * refuses a pod that breaks its namespace's level, and KWOK's fake nodes run Deployments, StatefulSets
 * (with bound claims) and DaemonSets to Ready.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BIN, ROOT, engineEnv, kubectl, kubectlFails, kubectlJson } from "./support/engine";
import { pluginVersion } from "./support/plugin-info";
import { waitUntil } from "./support/wait";

function versionOf(binary: string, args: string[]): string {
  const r = spawnSync(path.join(BIN, binary), args, { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`;
}

describe("local control plane (e2e)", () => {
  it("every binary reports the version it was built from", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages;
    assert.match(versionOf("pulumi", ["version"]), new RegExp(`^v${lock["node_modules/@pulumi/pulumi"].version}\\b`));
    assert.match(versionOf("kube-apiserver", ["--version"]), /Kubernetes v1\.36\.1/);
    assert.match(versionOf("kube-controller-manager", ["--version"]), /Kubernetes v1\.36\.1/);
    assert.match(versionOf("kube-scheduler", ["--version"]), /Kubernetes v1\.36\.1/);
    assert.match(versionOf("kubectl", ["version", "--client"]), /Client Version: v1\.36\.1/);
    assert.match(versionOf("etcd", ["--version"]), /etcd Version: 3\.6\.8/);
    assert.match(versionOf("kwok", ["--version"]), /0\.8\.0/);
    assert.match(versionOf("registry", ["--version"]), /github\.com\/distribution\/distribution\/v3 v3\.1\.2\b/);
    assert.match(versionOf("buildkitd", ["--version"]), /^buildkitd github\.com\/moby\/buildkit v0\.34\.2\b/);
    assert.match(versionOf("buildctl", ["--version"]), /^buildctl github\.com\/moby\/buildkit v0\.34\.2\b/);
    assert.match(versionOf("buildx", ["version"]), /^github\.com\/docker\/buildx v0\.35\.0\b/);
    assert.match(versionOf("dockerfile-frontend", ["--version"]), /dockerfile-frontend v0\.34\.2\b/);
    const server = kubectlJson<{ serverVersion: { gitVersion: string; major: string; minor: string } }>(["version"]);
    assert.equal(server.serverVersion.gitVersion, "v1.36.1");
    assert.equal(server.serverVersion.minor, "36");
  });

  it("the provider plugins report the release of their npm packages", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies;
    assert.equal(await pluginVersion(path.join(BIN, "pulumi-resource-kubernetes")), pkg["@pulumi/kubernetes"]);
    assert.equal(await pluginVersion(path.join(BIN, "pulumi-resource-random")), pkg["@pulumi/random"]);
    assert.equal(await pluginVersion(path.join(BIN, "pulumi-resource-docker-build")), pkg["@pulumi/docker-build"]);
  });

  it("docker-build serves exactly its release's committed schema (the codegen stand-ins change nothing in it)", () => {
    const r = spawnSync(
      path.join(BIN, "pulumi"),
      ["package", "get-schema", path.join(BIN, "pulumi-resource-docker-build")],
      {
        env: engineEnv(),
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const served = JSON.parse(r.stdout) as Record<string, unknown>;
    const dir = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-docker-build"], {
      cwd: path.join(ROOT, "engine", "provider-docker-build"),
      encoding: "utf8",
    }).stdout.trim();
    const committed = JSON.parse(
      fs.readFileSync(path.join(dir, "provider/cmd/pulumi-resource-docker-build/schema.json"), "utf8"),
    );
    assert.equal(
      served.version,
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/docker-build"],
    );
    delete served.version;
    assert.deepEqual(served, committed);
  });

  it("the real PodSecurity admission refuses a root pod in a restricted namespace", () => {
    const ns = `pss-${Date.now()}`;
    kubectl(["create", "namespace", ns]);
    try {
      kubectl(["label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted"]);
      const pod = JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "root", namespace: ns },
        spec: { containers: [{ name: "c", image: "busybox", securityContext: { runAsUser: 0 } }] },
      });
      const refused = kubectlFails(["apply", "-f", "-"], pod);
      assert.match(refused, /violates PodSecurity "restricted:latest"/);
      assert.match(refused, /runAsNonRoot != true|runAsUser=0/);
    } finally {
      kubectl(["delete", "namespace", ns, "--wait=false"]);
    }
  });

  it("fake nodes run a Deployment, a StatefulSet with a bound claim and a DaemonSet to Ready", async () => {
    const ns = `kwok-${Date.now()}`;
    kubectl(["create", "namespace", ns]);
    try {
      const labels = (app: string) => ({ matchLabels: { app } });
      const podTemplate = (app: string) => ({
        metadata: { labels: { app } },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      });
      const objects = [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "d", namespace: ns },
          spec: { replicas: 2, selector: labels("d"), template: podTemplate("d") },
        },
        {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          metadata: { name: "s", namespace: ns },
          spec: {
            serviceName: "s",
            replicas: 1,
            selector: labels("s"),
            template: podTemplate("s"),
            volumeClaimTemplates: [
              {
                metadata: { name: "data" },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
              },
            ],
          },
        },
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          metadata: { name: "ds", namespace: ns },
          spec: { selector: labels("ds"), template: podTemplate("ds") },
        },
      ];
      kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
      await waitUntil("the Deployment, StatefulSet and DaemonSet to be ready", 120_000, () => {
        const d = kubectlJson(["-n", ns, "get", "deployment", "d"]);
        const s = kubectlJson(["-n", ns, "get", "statefulset", "s"]);
        const ds = kubectlJson(["-n", ns, "get", "daemonset", "ds"]);
        return d.status?.readyReplicas === 2 && s.status?.readyReplicas === 1 && ds.status?.numberReady === 2;
      });
      const claim = kubectlJson(["-n", ns, "get", "pvc", "data-s-0"]);
      assert.equal(claim.status.phase, "Bound");
      assert.equal(claim.spec.storageClassName, "standard");
    } finally {
      kubectl(["delete", "namespace", ns, "--wait=false"]);
    }
  });
});
