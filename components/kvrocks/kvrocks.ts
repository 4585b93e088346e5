import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { kvrocksConfOptions, renderKvrocksAuthConf, renderKvrocksConf } from "./config";
import { KVROCKS_NAME, KVROCKS_PORT, KVROCKS_SECRET_NAME } from "./names";
import {
  buildKvrocksConfigMap,
  buildKvrocksSecret,
  buildKvrocksServices,
  buildKvrocksStatefulSet,
  kvrocksDataClaim,
  kvrocksUrl,
  type KvrocksSettings,
} from "./statefulset";
import { IGNORE_CLAIM_TEMPLATES, registerStatefulSetClaims, retainedData, STORE_PASSWORD_KEY } from "../shared";
import { configHash } from "../../lib/annotations";

export interface KvrocksArgs {
  kvrocks: KvrocksSettings;
  /** Namespace to deploy into. */
  namespace: pulumi.Input<string>;
  /** Stack name, used as `app.kubernetes.io/instance`. */
  instance: string;
  /** Image ref to run (see kvrocksImage; digest-pinned in prod). */
  image: pulumi.Input<string>;
  /** The setting a refused storage-class change names, e.g. `moontv:kvrocks.storageClass`. */
  storageClassSetting: string;
}

/** Kvrocks with its data on a claim: StatefulSet, Services, kvrocks.conf ConfigMap and the password Secret. */
export class Kvrocks extends pulumi.ComponentResource {
  /** Service name (the in-namespace host name `kvrocks`). */
  readonly host: string = KVROCKS_NAME;
  readonly port: number = KVROCKS_PORT;
  /** The Secret holding the password, and the password's key there. */
  readonly secretName: string = KVROCKS_SECRET_NAME;
  readonly secretKey: string = STORE_PASSWORD_KEY;
  /** The generated password, a secret. */
  readonly password: pulumi.Output<string>;
  /** `redis://:<password>@kvrocks:6666`, a secret. */
  readonly url: pulumi.Output<string>;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** The data claim `data-kvrocks-0`, resized in place when `storageSize` grows. */
  readonly claims: k8s.core.v1.PersistentVolumeClaim[];

  constructor(name: string, args: KvrocksArgs, opts?: pulumi.ComponentResourceOptions) {
    const conf = renderKvrocksConf(kvrocksConfOptions(args.kvrocks.resources.limits.memory)); // throws before registering
    super("moontv:kvrocks:Kvrocks", name, {}, opts);
    const child = { parent: this };
    const { kvrocks, namespace, instance } = args;

    // Alphanumeric: safe unquoted in kvrocks.conf and unescaped in a URL.
    const generated = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, child);
    this.password = pulumi.secret(generated.result);
    this.url = pulumi.secret(this.password.apply((p) => kvrocksUrl(this.host, this.port, p)));

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      buildKvrocksConfigMap(namespace, instance, conf),
      child,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-auth`,
      buildKvrocksSecret(namespace, instance, this.password, pulumi.secret(this.password.apply(renderKvrocksAuthConf))),
      child,
    );
    const services = buildKvrocksServices(namespace, instance);
    new k8s.core.v1.Service(`${name}-headless`, services.headless, child);
    new k8s.core.v1.Service(name, services.service, child);

    this.claims = registerStatefulSetClaims(
      `${name}-data`,
      {
        statefulSet: KVROCKS_NAME,
        namespace,
        replicas: 1,
        claim: kvrocksDataClaim(kvrocks, instance),
        classSetting: args.storageClassSetting,
        protect: kvrocks.protect,
      },
      child,
    );
    const hash = configHash(conf);
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      buildKvrocksStatefulSet({ kvrocks, namespace, instance, image: args.image, configHash: hash }),
      {
        ...child,
        dependsOn: [configMap, secret, ...this.claims],
        ignoreChanges: IGNORE_CLAIM_TEMPLATES,
        ...retainedData(kvrocks.protect),
      },
    );
    this.registerOutputs({ host: this.host, port: this.port, url: this.url });
  }
}
