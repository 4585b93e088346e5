import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { NetworkIsolationArgs } from "./args";
import { buildNetworkPolicies } from "./policies";

/**
 * Network isolation equivalent to compose's private `moontv-network`: default-deny in the namespace,
 * then only the flows the platform needs. Requires a CNI that enforces NetworkPolicy (Calico, Cilium, …).
 */
export class NetworkIsolation extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of every policy created. */
  public readonly policyNames: string[];

  constructor(name: string, args: NetworkIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:network:NetworkIsolation", name, {}, opts);
    const policies = buildNetworkPolicies(args);
    this.policyNames = policies.map((p) => {
      const meta = p.metadata as { name: string; namespace: string };
      new k8s.networking.v1.NetworkPolicy(`${name}-${meta.namespace}-${meta.name}`, p, { parent: this });
      return `${meta.namespace}/${meta.name}`;
    });
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
