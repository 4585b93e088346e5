import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Settings } from "../../stacks/settings/types";
import { toStackOutputs, type StackOutputValues } from "../../stacks/outputs";
import { APP_NAME, MoonTvApp } from "../app";
import { Monitoring } from "../monitoring";
import { NetworkIsolation } from "../network";
import { monitoringArgs } from "./monitoring";
import { networkArgs, type StoreEndpoint } from "./network";
import { Redis } from "../redis";
import { Kvrocks } from "../kvrocks";
import { kvrocksArgs, storeProtected } from "./kvrocks";
import { redisArgs } from "./redis";
import { mirroredImage, pinnedImage, retainedData } from "../shared";
import type { StagedImage } from "../image";
import { deployedImage } from "./image";
import { buildNamespace } from "./namespace";
import { buildProviderArgs } from "./provider";

export interface MoonTvPlatformArgs {
  /** The stack's validated settings (from `stacks/`). */
  settings: Settings;
}

/**
 * The whole platform of one stack: image build, Kubernetes provider, namespace, Redis, the app,
 * monitoring and the network policies.
 */
export class MoonTvPlatform extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Output<string>;
  readonly redis?: Redis;
  readonly kvrocks?: Kvrocks;
  readonly app: MoonTvApp;
  readonly monitoring?: Monitoring;
  readonly network?: NetworkIsolation;
  /** The image build, when the settings build the sources. */
  readonly image?: StagedImage;
  /** What the stack exports, per the contract in `stacks/outputs.ts`. */
  readonly outputs: StackOutputValues;

  constructor(name: string, args: MoonTvPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:platform:MoonTvPlatform", name, {}, opts);
    const { settings } = args;
    const instance = settings.stack;

    this.provider = new k8s.Provider(`${name}-k8s`, buildProviderArgs(settings.kubernetes, settings.namespace), {
      parent: this,
    });
    const children = { parent: this, provider: this.provider };

    // The namespace holds the store's volume: deleting it would delete the data, so it is protected alike.
    const namespace = new k8s.core.v1.Namespace(
      name,
      buildNamespace(settings.namespace, instance, settings.kubernetes.namespaceAnnotations),
      {
        ...children,
        ...retainedData(storeProtected(settings)),
      },
    );
    this.namespace = namespace.metadata.name;

    // Third-party images come through the stack's registry mirrors, and are pinned to digests there.
    const thirdParty = (ref: string) =>
      pinnedImage(mirroredImage(ref, settings.registryMirrors), settings.pinImageDigests);

    if (settings.app.storage === "redis") {
      this.redis = new Redis("redis", redisArgs(settings, this.namespace, thirdParty), children);
    }

    if (settings.app.storage === "kvrocks") {
      this.kvrocks = new Kvrocks("kvrocks", kvrocksArgs(settings, this.namespace, thirdParty), children);
    }
    const store = this.redis ?? this.kvrocks;

    const image = deployedImage(settings, this);
    this.image = image.build;
    this.app = new MoonTvApp(
      "moontv",
      {
        app: settings.app,
        namespace: this.namespace,
        instance,
        image: image.ref,
        redisUrl: this.redis?.url,
        kvrocksUrl: this.kvrocks?.url,
        ingress: settings.ingress,
        dependsOn: [...image.gates, ...(store ? [store.statefulSet] : [])],
      },
      children,
    );

    const storeEndpoint = (kind: StoreEndpoint["kind"], s: Redis | Kvrocks): StoreEndpoint => ({
      kind,
      host: s.host,
      port: s.port,
      secretName: s.secretName,
      secretKey: s.secretKey,
    });
    const endpoint = this.redis
      ? storeEndpoint("redis", this.redis)
      : this.kvrocks && storeEndpoint("kvrocks", this.kvrocks);
    // The settings refuse monitoring without a store of ours, so `endpoint` is set whenever it is enabled.
    if (settings.monitoring.enabled && endpoint) {
      this.monitoring = new Monitoring("monitoring", monitoringArgs(settings, endpoint, thirdParty), {
        ...children,
        dependsOn: [namespace],
      });
    }
    if (settings.network.enabled) {
      this.network = new NetworkIsolation(
        "network",
        networkArgs(settings, endpoint, this.monitoring?.nodeExporterNamespace),
        {
          ...children,
          dependsOn: [namespace],
        },
      );
    }

    this.outputs = toStackOutputs({
      namespace: this.namespace,
      appServiceName: this.app.serviceName,
      appPort: this.app.port,
      imageRef: image.ref,
      storageType: settings.app.storage,
      redis: this.redis && { host: this.redis.host, port: this.redis.port, url: this.redis.url },
      kvrocks: this.kvrocks && { host: this.kvrocks.host, port: this.kvrocks.port, url: this.kvrocks.url },
      prometheusUrl: this.monitoring?.prometheusUrl,
      grafanaUrl: this.monitoring?.grafanaUrl,
      serviceNames: [APP_NAME, ...(store ? [store.host] : []), ...(this.monitoring?.serviceNames ?? [])],
      ingressHost: settings.ingress.enabled ? settings.ingress.host : undefined,
    });
    this.registerOutputs(this.outputs);
  }
}
