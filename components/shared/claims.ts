import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * Data claims of a StatefulSet kept outside its `volumeClaimTemplates`. A template cannot change once
 * the StatefulSet exists, so pulumi-kubernetes replaces the StatefulSet on a size or class change, and
 * in dev its claims go with it. Instead each replica's claim is a PersistentVolumeClaim of its own,
 * named as the StatefulSet controller names claims (`<template>-<statefulset>-<ordinal>`), which the
 * controller then uses as it finds it. A size change patches the claim in place (growing needs a
 * StorageClass with `allowVolumeExpansion`); a class cannot change on a claim, so a class change is
 * refused at check time, before anything is touched.
 */

export interface DataClaim {
  /** Template name, which is the pod's volume name (`data`). */
  template: string;
  labels: Record<string, string>;
  /** Storage request, a Kubernetes quantity. */
  storageSize: string;
  /** StorageClass; unset: the cluster's default class. */
  storageClass?: string;
}

/** The volumeClaimTemplate: the pod spec refers to it, the claims below stand in for what it would create. */
export function claimTemplate(c: DataClaim): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    metadata: { name: c.template, labels: c.labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(c.storageClass ? { storageClassName: c.storageClass } : {}),
      resources: { requests: { storage: c.storageSize } },
    },
  };
}

/** The name the StatefulSet controller gives the claim of one replica. */
export function replicaClaimName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${statefulSet}-${ordinal}`;
}

/** One PersistentVolumeClaim per replica, each the claim the template would have made. */
export function buildReplicaClaims(
  statefulSet: string,
  namespace: pulumi.Input<string>,
  replicas: number,
  c: DataClaim,
): k8s.core.v1.PersistentVolumeClaimArgs[] {
  const { metadata, spec } = claimTemplate(c) as {
    metadata: { labels: Record<string, string> };
    spec: k8s.types.input.core.v1.PersistentVolumeClaimSpec;
  };
  return Array.from({ length: replicas }, (_, i) => ({
    metadata: { name: replicaClaimName(c.template, statefulSet, i), namespace, labels: metadata.labels },
    spec,
  }));
}

export const CLAIM_CLASS_GUARD_KIND = "moontv:storage:ClaimClassGuard";

/** What the guard records: the claim and the class it was created with ("" for the cluster default). */
export interface ClaimClassInputs {
  kind: typeof CLAIM_CLASS_GUARD_KIND;
  /** The claim's name, for the message. */
  claim: string;
  /** The setting the class comes from, e.g. `moontv:redis.storageClass`. */
  setting: string;
  storageClass: string;
}

/**
 * The refusal of a class change, or undefined. `olds` are the inputs of the last update ({} on the
 * first). Self-contained: it runs in the dynamic-provider host through a serialised closure.
 */
export function claimClassChange(olds: Partial<ClaimClassInputs>, news: ClaimClassInputs): string | undefined {
  if (olds.storageClass === undefined || olds.storageClass === news.storageClass) return undefined;
  const shown = (c: string) => (c === "" ? "the cluster's default class" : `"${c}"`);
  return (
    `${news.setting} cannot change from ${shown(olds.storageClass)} to ${shown(news.storageClass)}: claim ${news.claim} holds the data ` +
    "and a claim never changes class (replacing it would delete the data). Set it back; to move the data, copy it to a claim of the new class by hand"
  );
}

export const classGuardProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<ClaimClassInputs>, news: ClaimClassInputs) {
    const problem = claimClassChange(olds, news);
    return problem ? { inputs: news, failures: [{ property: "storageClass", reason: problem }] } : { inputs: news };
  },
  async create(inputs: ClaimClassInputs) {
    return { id: inputs.claim, outs: inputs };
  },
  async diff(_id: string, olds: ClaimClassInputs, news: ClaimClassInputs) {
    return { changes: olds.claim !== news.claim || olds.setting !== news.setting };
  },
  async update(_id: string, _olds: ClaimClassInputs, news: ClaimClassInputs) {
    return { outs: news };
  },
};

/** Remembers a claim's class across updates and fails the preview when the setting changes it. */
export class ClaimClassGuard extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: ClaimClassInputs, opts?: pulumi.CustomResourceOptions) {
    super(classGuardProvider, name, inputs, opts);
  }
}

export interface StatefulSetClaimsArgs {
  statefulSet: string;
  namespace: pulumi.Input<string>;
  replicas: number;
  claim: DataClaim;
  /** The setting of the class, for the refusal. */
  classSetting: string;
  /** `protect` + `retainOnDelete` on the claims. */
  protect: boolean;
}

/**
 * Registers the guard and the claims. The StatefulSet must depend on the claims (so its controller
 * finds them instead of creating its own) and ignore changes to its templates.
 */
export function registerStatefulSetClaims(
  name: string,
  args: StatefulSetClaimsArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim[] {
  return buildReplicaClaims(args.statefulSet, args.namespace, args.replicas, args.claim).map((claim, i) => {
    const claimName = replicaClaimName(args.claim.template, args.statefulSet, i);
    const guard = new ClaimClassGuard(
      `${name}-${i}-class`,
      {
        kind: CLAIM_CLASS_GUARD_KIND,
        claim: claimName,
        setting: args.classSetting,
        storageClass: args.claim.storageClass ?? "",
      },
      { parent: opts.parent },
    );
    return new k8s.core.v1.PersistentVolumeClaim(`${name}-${i}`, claim, {
      ...opts,
      dependsOn: [guard],
      ...retainedData(args.protect),
    });
  });
}

/**
 * The retention rule of data (a store's claim and StatefulSet, Prometheus', the namespace holding them):
 * with `protect`, Pulumi refuses to delete it and a delete only forgets it, so no `destroy`, replacement or
 * refactor drops it silently.
 */
export function retainedData(protect: boolean): { protect: boolean; retainOnDelete: boolean } {
  return { protect, retainOnDelete: protect };
}

/** A StatefulSet's policy for its claims: never deleted by its controller (Pulumi manages them, above). */
export const RETAIN_CLAIMS = { whenDeleted: "Retain", whenScaled: "Retain" } as const;

/** StatefulSet option: its claims are managed above, so a template change must not replace it. */
export const IGNORE_CLAIM_TEMPLATES = ["spec.volumeClaimTemplates"];
