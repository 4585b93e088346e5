/** metrics-server as the cluster's metrics.k8s.io, so that HPAs read their pods' CPU. */
import * as fs from "fs";
import { spawnSync } from "child_process";
import { freePort } from "../host-tools";
import { componentKubeconfig, kubectl, kubectlSucceeds } from "../kube";
import { METRICS_API, METRICS_SERVER_USER, metricsServerArgs, metricsServerObjects } from "../metrics";
import { NODE_NAME } from "../node-network";
import { binary, logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

export const metrics: Step = {
  name: "metrics",
  async run(ctx: ClusterContext): Promise<string> {
    const { pki } = ctx;
    const port = await freePort();
    kubectl(["apply", "-f", "-"], JSON.stringify(metricsServerObjects(port, fs.readFileSync(pki.caCert, "utf8"))));
    const kubeconfig = componentKubeconfig(
      "metrics-server",
      ctx.apiPort,
      METRICS_SERVER_USER,
      pki.caCert,
      pki.metricsCert,
      pki.metricsKey,
    );
    start(
      "metrics-server",
      metricsServerArgs({
        kubeconfig,
        port,
        certFile: pki.metricsServingCert,
        keyFile: pki.metricsServingKey,
        requestHeaderCa: pki.frontProxyCaCert,
      }),
      port,
      ctx.started,
    );
    await waitFor(
      `the ${METRICS_API} API available`,
      90_000,
      async () =>
        kubectl([
          "get",
          "apiservice",
          METRICS_API,
          "-o",
          "jsonpath={.status.conditions[?(@.type=='Available')].status}",
        ]) === "True",
      () => `${logTail("metrics-server")}\n${kubectl(["get", "apiservice", METRICS_API, "-o", "yaml"]).slice(-1500)}`,
    );
    // Its first scrape of the real node's kubelet (15 s resolution).
    await waitFor(
      `metrics of node ${NODE_NAME}`,
      90_000,
      async () => kubectlSucceeds(["get", "--raw", `/apis/metrics.k8s.io/v1beta1/nodes/${NODE_NAME}`]),
      () => logTail("metrics-server"),
    );
    const version = /(v\d+\.\d+\.\d+)/.exec(
      spawnSync(binary("metrics-server"), ["--version"], { encoding: "utf8" }).stdout ?? "",
    )?.[1];
    return `metrics-server ${version ?? "?"} as ${METRICS_API}: the real node's and its pods' CPU and memory`;
  },
};
