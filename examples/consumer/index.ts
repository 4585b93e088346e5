/**
 * An example consumer: another team's Pulumi program that reads the MoonTV stack's outputs through a
 * StackReference, typed by the contract, and publishes the app's URL to its own namespace.
 *
 *   cd examples/consumer && pulumi config set moontvStack acme/moontv/prod && pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { readMoonTvStack } from "../../stacks/reader";

const config = new pulumi.Config();
const moontv = readMoonTvStack(new pulumi.StackReference(config.require("moontvStack")));

// A ConfigMap for a status page that links to MoonTV and scrapes its Prometheus (never the secrets).
const links = new k8s.core.v1.ConfigMap("moontv-links", {
  metadata: { namespace: config.get("namespace") ?? "status" },
  data: {
    MOONTV_URL: moontv.appUrl,
    MOONTV_NAMESPACE: moontv.namespace,
    PROMETHEUS_URL: moontv.prometheusUrl.apply((u) => u ?? ""),
  },
});

export const moontvUrl = moontv.appUrl;
export const moontvServices = moontv.serviceNames;
/** Stays a secret in this stack too. */
export const moontvRedisUrl = moontv.redisUrl;
export const linksConfigMap = links.metadata.name;
