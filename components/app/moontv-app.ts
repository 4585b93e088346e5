import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { configHash } from "../../lib/annotations";
import type { MoonTvAppArgs } from "./args";
import { buildAppAutoscaler } from "./autoscaler";
import { buildAppConfigMap } from "./config-map";
import { buildAppDeployment } from "./deployment";
import { buildAppPodDisruptionBudget } from "./disruption-budget";
import { buildAppIngress } from "./ingress";
import { APP_PORT } from "./names";
import { buildAppSecret } from "./secret";
import { buildAppService } from "./service";

/** MoonTV on Kubernetes: Secret, optional config.json ConfigMap, Deployment and Service `moontv`. */
export class MoonTvApp extends pulumi.ComponentResource {
  /** The site/owner password (generated when not set), a secret. */
  readonly password: pulumi.Output<string>;
  /** Service name, which is also its in-namespace DNS name. */
  readonly serviceName: pulumi.Output<string>;
  /** Service port. */
  readonly port: number = APP_PORT;
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: MoonTvAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:app:MoonTv", name, {}, opts);
    const child = { parent: this };
    const { app, instance, namespace } = args;
    if (app.storage === "redis" && !args.redisUrl) {
      throw new Error("MoonTvApp: redisUrl is required when app.storage is redis");
    }
    if (app.storage === "kvrocks" && !args.kvrocksUrl) {
      throw new Error("MoonTvApp: kvrocksUrl is required when app.storage is kvrocks");
    }

    this.password = app.password
      ? pulumi.secret(app.password.reveal())
      : pulumi.secret(new random.RandomPassword(`${name}-password`, { length: 24, special: false }, child).result);

    const secretValues: Record<string, pulumi.Input<string>> = { USERNAME: app.username, PASSWORD: this.password };
    if (app.storage === "redis") secretValues.REDIS_URL = pulumi.secret(args.redisUrl!);
    if (app.storage === "kvrocks") secretValues.KVROCKS_URL = pulumi.secret(args.kvrocksUrl!);
    if (app.storage === "upstash") {
      secretValues.UPSTASH_URL = pulumi.secret(app.upstash!.url);
      secretValues.UPSTASH_TOKEN = pulumi.secret(app.upstash!.token.reveal());
    }
    const secret = new k8s.core.v1.Secret(`${name}-auth`, buildAppSecret(namespace, instance, secretValues), child);

    const configMap = app.configJson
      ? new k8s.core.v1.ConfigMap(`${name}-config`, buildAppConfigMap(namespace, instance, app.configJson.text), child)
      : undefined;
    const hash = app.configJson ? configHash(app.configJson.text) : undefined;

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      buildAppDeployment({ app, namespace, instance, image: args.image, configHash: hash }),
      {
        ...child,
        dependsOn: [secret, ...(configMap ? [configMap] : []), ...(args.dependsOn ?? [])],
        // With an autoscaler the replica count is the autoscaler's: an update must not reset it.
        ignoreChanges: app.autoscaling.enabled ? ["spec.replicas"] : undefined,
      },
    );
    const service = new k8s.core.v1.Service(name, buildAppService(namespace, instance), child);

    const pdb = buildAppPodDisruptionBudget(app, namespace, instance);
    if (pdb) new k8s.policy.v1.PodDisruptionBudget(name, pdb, child);
    const hpa = buildAppAutoscaler(app, namespace, instance);
    if (hpa) new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, hpa, { ...child, dependsOn: [this.deployment] });
    const ingress = buildAppIngress(args.ingress, namespace, instance);
    if (ingress) new k8s.networking.v1.Ingress(name, ingress, { ...child, dependsOn: [service] });
    this.serviceName = service.metadata.name;

    this.registerOutputs({ serviceName: this.serviceName, port: this.port, password: this.password });
  }
}
