/** CoreDNS on the real node as the cluster DNS (Service kube-dns), answering cluster names only. */
import { promises as dns } from "dns";
import * as fs from "fs";
import * as path from "path";
import { CLUSTER_DOMAIN } from "../../../stacks/outputs";
import { Buildah } from "../../image/buildah";
import { cacheRoot } from "../../image/pipeline";
import { kubectl } from "../kube";
import { DNS_SERVICE_IP, KUBERNETES_SERVICE_IP, REAL_NODE_LABEL, REAL_NODE_TAINT } from "../node-network";
import { pushCorednsImage } from "../node-images";
import { corednsObjects } from "../objects";
import { binary } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

async function resolvesKubernetes(): Promise<boolean> {
  const resolver = new dns.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([DNS_SERVICE_IP]);
  const answers = await resolver.resolve4(`kubernetes.default.svc.${CLUSTER_DOMAIN}`);
  return answers.includes(KUBERNETES_SERVICE_IP);
}

export const clusterDns: Step = {
  name: "DNS",
  async run(ctx: ClusterContext): Promise<string> {
    if (!ctx.registry) throw new Error("the registry step must run first");
    const work = fs.mkdtempSync(path.join(cacheRoot(), "coredns-image-"));
    const buildah = new Buildah(work);
    let image: string;
    try {
      image = await pushCorednsImage(buildah, binary("coredns"), ctx.registry.address);
    } finally {
      await buildah.destroy();
    }
    kubectl(
      ["apply", "-f", "-"],
      corednsObjects(image, DNS_SERVICE_IP, CLUSTER_DOMAIN, {
        selector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value },
        tolerations: [{ ...REAL_NODE_TAINT, operator: "Equal" }],
      }),
    );
    await waitFor(
      "Deployment coredns available",
      120_000,
      async () =>
        kubectl(["-n", "kube-system", "get", "deployment", "coredns", "-o", "jsonpath={.status.availableReplicas}"]) ===
        "1",
      () => {
        try {
          return (
            kubectl(["-n", "kube-system", "describe", "pods", "-l", "k8s-app=kube-dns"])
              .split("\n")
              .slice(-20)
              .join("\n") +
            "\n" +
            kubectl(["-n", "kube-system", "logs", "deployment/coredns", "--tail=10"])
          );
        } catch (err) {
          return (err as Error).message;
        }
      },
    );
    await waitFor(`kubernetes.default resolving through ${DNS_SERVICE_IP}`, 30_000, resolvesKubernetes, () =>
      kubectl(["-n", "kube-system", "logs", "deployment/coredns", "--tail=15"]),
    );
    return `CoreDNS (${image}) behind Service kube-dns ${DNS_SERVICE_IP}; kubernetes.default.svc.${CLUSTER_DOMAIN} resolves`;
  },
};
