import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { RecordedResource } from "../../tools/policy/types";
import { synthOnce } from "../support/synth";

/* eslint-disable @typescript-eslint/no-explicit-any */
interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
  networks?: string[];
}
const compose = parseYaml(fs.readFileSync(path.join(__dirname, "docker-compose.seed.yml"), "utf8")) as {
  services: Record<string, ComposeService>;
  networks: Record<string, unknown>;
};

/**
 * Compose volumes that have no Kubernetes counterpart on purpose: MoonTV writes nothing under
 * /app/data (docs/moontv.md: only public/manifest.json and .next/cache), so a claim there would hold nothing.
 */
const NOT_NEEDED: Record<string, string> = { "moontv_data:/app/data": "MoonTV writes nothing under /app/data" };

/** Where each compose service's data directory lives in the pod. */
const workloadOf = (rs: RecordedResource[], name: string) =>
  rs.find((r) => /apps\/v1:(Deployment|StatefulSet)$/.test(r.type) && (r.props as any).metadata.name === name)!;
const serviceOf = (rs: RecordedResource[], name: string) =>
  rs.find((r) => r.type === "kubernetes:core/v1:Service" && (r.props as any).metadata.name === name);

describe("compose parity: every part of the compose deployment has its counterpart in the prod stack", function () {
  this.timeout(120_000);
  let resources: RecordedResource[];
  before(async () => ({ resources } = await synthOnce("prod")));

  for (const [name, svc] of Object.entries(compose.services)) {
    describe(`service ${name}`, () => {
      it("has a Service of the same name (the DNS name compose gave it) with its ports", () => {
        const service = serviceOf(resources, name);
        assert.ok(service, `no Service ${name}`);
        for (const p of svc.ports ?? []) {
          const containerPort = Number(p.split(":").pop());
          assert.ok(
            (service!.props as any).spec.ports.some((sp: any) => sp.port === containerPort),
            `${name}: port ${containerPort}`,
          );
        }
      });

      it("restarts like `restart: unless-stopped` and is health-checked by probes", () => {
        const w = workloadOf(resources, name);
        assert.ok(w, `no workload ${name}`);
        const pod = (w.props as any).spec.template.spec;
        assert.ok(
          pod.restartPolicy === undefined || pod.restartPolicy === "Always",
          `${name}: restartPolicy ${pod.restartPolicy}`,
        );
        if (svc.healthcheck || svc.restart) {
          for (const c of pod.containers) assert.ok(c.readinessProbe && c.livenessProbe, `${name}/${c.name}: probes`);
        }
      });

      it("keeps each named volume on a claim mounted at the same path, or says why none is needed", () => {
        for (const v of svc.volumes ?? []) {
          const [source, target] = v.split(":");
          if (source.startsWith(".")) continue; // a bind-mounted config file: a ConfigMap (checked below)
          if (NOT_NEEDED[v]) continue;
          const w = workloadOf(resources, name);
          const claims = ((w.props as any).spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name);
          const mounts = (w.props as any).spec.template.spec.containers.flatMap((c: any) => c.volumeMounts ?? []);
          const mount = mounts.find((m: any) => claims.includes(m.name));
          assert.ok(mount, `${name}: ${v} has no persistent claim`);
          if (name !== "prometheus") assert.equal(mount.mountPath, target, `${name}: ${v}`);
        }
      });

      it("sets every environment variable compose set (secrets through the Secret)", () => {
        const env = (workloadOf(resources, name).props as any).spec.template.spec.containers[0].env ?? [];
        for (const entry of svc.environment ?? []) {
          const key = entry.split("=")[0];
          const e = env.find((x: any) => x.name === key);
          assert.ok(e, `${name}: ${key} is not set`);
          if (/PASSWORD|REDIS_URL/.test(key))
            assert.ok(e.valueFrom?.secretKeyRef, `${name}: ${key} must come from a Secret`);
        }
      });

      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        it(`waits for ${dep} (${condition})`, () => {
          const w = workloadOf(resources, name);
          assert.ok(w.options.dependsOn.includes(workloadOf(resources, dep).urn), "no Pulumi dependency");
          const init = (w.props as any).spec.template.spec.initContainers.map((c: any) => c.name);
          assert.ok(init.includes(`wait-for-${dep}`), `no wait-for-${dep} init container`);
        });
      }
    });
  }

  it("prometheus.yml (bind-mounted in compose) comes from a ConfigMap", () => {
    const pod = (workloadOf(resources, "prometheus").props as any).spec.template.spec;
    assert.ok(
      pod.volumes.some((v: any) => v.configMap),
      "no ConfigMap volume",
    );
  });

  it(`the private network ${Object.keys(compose.networks).join(", ")} is a default-deny NetworkPolicy plus allowed flows`, () => {
    const policies = resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const empty = (x: unknown) =>
      x === undefined || (Array.isArray(x) ? x.length === 0 : Object.keys(x as object).length === 0);
    const selectsAll = (sel: any) => empty(sel?.matchLabels) && empty(sel?.matchExpressions);
    const deny = policies.find((p) => {
      const { metadata, spec } = p.props as any;
      return (
        metadata.namespace === "moontv" && selectsAll(spec.podSelector) && empty(spec.ingress) && empty(spec.egress)
      );
    });
    assert.ok(deny, "no default-deny policy selecting every pod of the namespace");
    assert.deepEqual([...(deny!.props as any).spec.policyTypes].sort(), ["Egress", "Ingress"]);
    assert.ok(policies.length >= 5, `only ${policies.length} policies`);
  });
});
