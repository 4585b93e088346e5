import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildRedisStatefulSet, redisDataClaim } from "../../../components/redis";
import { buildReplicaClaims, claimClassChange, CLAIM_CLASS_GUARD_KIND } from "../../../components/shared";
import { PROJECT_DIR } from "../../../tools/synth/input";
import { synthesize, type SynthResult } from "../../../tools/synth/run";
import { settingsFor } from "../../support/settings";

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DIGEST = `ghcr.io/acme/moontv@sha256:${"e".repeat(64)}`;

/** A prod stack file with the given Redis and Prometheus storage settings. */
const stackFile = (redis: string, monitoring: string) =>
  `config:\n  moontv:environment: prod\n  moontv:image:\n    ref: ${DIGEST}\n  moontv:redis:\n${redis}  moontv:monitoring:\n${monitoring}`;

describe("data claims outside the StatefulSets' templates (resized in place)", function () {
  this.timeout(120_000);
  let dir: string;
  let before10: SynthResult;
  let after20: SynthResult;
  // The same stack before and after an edit of its file (the stack name is a label, so it must not differ).
  const edit = async (name: string, text: string) => {
    fs.mkdirSync(path.join(dir, name));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, name, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, name, "Pulumi.edited.yaml"), text);
    return synthesize("edited", { stackDir: path.join(dir, name) });
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "claims-"));
    before10 = await edit("before", stackFile("    storageSize: 10Gi\n", "    storageSize: 10Gi\n"));
    after20 = await edit("after", stackFile("    storageSize: 20Gi\n", "    storageSize: 15Gi\n"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const find = (r: SynthResult, type: string, name: string) => {
    const found = r.resources.find((x) => x.type === type && (x.props as Props).metadata?.name === name);
    assert.ok(found, `${type} ${name}`);
    return found;
  };

  for (const [sts, claim, size] of [
    ["redis", "data-redis-0", "20Gi"],
    ["prometheus", "data-prometheus-0", "15Gi"],
  ] as const) {
    it(`${sts}: claim ${claim} is a PersistentVolumeClaim of its own, created before the StatefulSet, kept in prod`, () => {
      const pvc = find(before10, "kubernetes:core/v1:PersistentVolumeClaim", claim);
      const set = find(before10, "kubernetes:apps/v1:StatefulSet", sts);
      const template = (set.props as Props).spec.volumeClaimTemplates[0];
      // The controller names a replica's claim <template>-<statefulset>-<ordinal> and uses one that exists.
      assert.equal(`${template.metadata.name}-${sts}-0`, claim);
      assert.deepEqual((pvc.props as Props).spec, template.spec);
      assert.deepEqual((pvc.props as Props).metadata.labels, template.metadata.labels);
      assert.ok(set.options.dependsOn.includes(pvc.urn), "the StatefulSet waits for its claim");
      assert.deepEqual(pvc.options, { ...pvc.options, protect: true, retainOnDelete: true });
      assert.deepEqual((set.props as Props).spec.persistentVolumeClaimRetentionPolicy, {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
    });

    it(`${sts}: a larger storageSize changes the claim's request, and nothing of the StatefulSet that is not ignored`, () => {
      const [oldSet, newSet] = [before10, after20].map((r) => find(r, "kubernetes:apps/v1:StatefulSet", sts));
      assert.deepEqual(newSet.options.ignoreChanges, ["spec.volumeClaimTemplates"]);
      const withoutTemplates = (p: Props) => ({ ...p, spec: { ...p.spec, volumeClaimTemplates: undefined } });
      assert.deepEqual(withoutTemplates(newSet.props as Props), withoutTemplates(oldSet.props as Props));
      const [oldClaim, newClaim] = [before10, after20].map(
        (r) => find(r, "kubernetes:core/v1:PersistentVolumeClaim", claim).props as Props,
      );
      // pulumi-kubernetes replaces a claim only for accessModes, selector, storageClassName or volumeName.
      assert.deepEqual(
        { ...newClaim, spec: { ...newClaim.spec, resources: undefined } },
        { ...oldClaim, spec: { ...oldClaim.spec, resources: undefined } },
      );
      assert.equal(newClaim.spec.resources.requests.storage, size);
    });

    it(`${sts}: the claim's class is recorded by a guard that the claim depends on`, () => {
      const pvc = find(before10, "kubernetes:core/v1:PersistentVolumeClaim", claim);
      const guard = before10.resources.find(
        (r) => (r.props as Props).kind === CLAIM_CLASS_GUARD_KIND && (r.props as Props).claim === claim,
      );
      assert.ok(guard);
      assert.ok(pvc.options.dependsOn.includes(guard.urn));
      assert.equal((guard.props as Props).setting, `moontv:${sts === "redis" ? "redis" : "monitoring"}.storageClass`);
    });
  }

  it("dev deletes the claim with the stack (not protected)", async () => {
    const dev = await synthesize("dev");
    const pvc = dev.resources.find(
      (r) =>
        r.type === "kubernetes:core/v1:PersistentVolumeClaim" && (r.props as Props).metadata.name === "data-redis-0",
    );
    assert.ok(pvc);
    assert.equal(pvc.options.protect, false);
    assert.equal(pvc.options.retainOnDelete, false);
  });
});

describe("claims builders and the class guard", () => {
  it("one claim per replica, named as the StatefulSet controller names them", () => {
    const claims = buildReplicaClaims("redis", "ns", 3, {
      template: "data",
      labels: { a: "b" },
      storageSize: "1Gi",
      storageClass: "fast",
    }) as Props[];
    assert.deepEqual(
      claims.map((c) => c.metadata.name),
      ["data-redis-0", "data-redis-1", "data-redis-2"],
    );
    assert.deepEqual(claims[0].spec, {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "fast",
      resources: { requests: { storage: "1Gi" } },
    });
  });

  it("the Redis template is the claim the builder makes", () => {
    const s = settingsFor("dev", { redis: { storageClass: "fast" } });
    const set = buildRedisStatefulSet({
      redis: s.redis,
      namespace: "ns",
      instance: "dev",
      image: "redis:7.4",
      configHash: "h",
    }) as Props;
    const [claim] = buildReplicaClaims("redis", "ns", 1, redisDataClaim(s.redis, "dev")) as Props[];
    assert.deepEqual(set.spec.volumeClaimTemplates[0].spec, claim.spec);
  });

  const news = {
    kind: CLAIM_CLASS_GUARD_KIND,
    claim: "data-redis-0",
    setting: "moontv:redis.storageClass",
    storageClass: "fast",
  } as const;
  it("refuses a class change, naming the setting, the claim and both classes", () => {
    assert.equal(
      claimClassChange({ ...news, storageClass: "" }, news),
      'moontv:redis.storageClass cannot change from the cluster\'s default class to "fast": claim data-redis-0 holds the data and a claim never changes class ' +
        "(replacing it would delete the data). Set it back; to move the data, copy it to a claim of the new class by hand",
    );
    assert.match(
      claimClassChange({ ...news, storageClass: "fast" }, { ...news, storageClass: "" })!,
      /from "fast" to the cluster's default class/,
    );
  });

  it("allows the first creation and an unchanged class", () => {
    assert.equal(claimClassChange({}, news), undefined);
    assert.equal(claimClassChange(news, news), undefined);
  });
});
