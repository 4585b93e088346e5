import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { clusterRedisConfOptions, renderRedisAuthConf, renderRedisConf } from "./config";
import { REDIS_NAME, REDIS_PORT, REDIS_SECRET_NAME } from "./names";
import {
  buildRedisConfigMap,
  buildRedisSecret,
  buildRedisServices,
  buildRedisStatefulSet,
  redisDataClaim,
  redisUrl,
  type RedisSettings,
} from "./statefulset";
import { IGNORE_CLAIM_TEMPLATES, registerStatefulSetClaims, retainedData, STORE_PASSWORD_KEY } from "../shared";
import { configHash } from "../../lib/annotations";

export interface RedisArgs {
  redis: RedisSettings;
  /** Namespace to deploy into. */
  namespace: pulumi.Input<string>;
  /** Stack name, used as `app.kubernetes.io/instance`. */
  instance: string;
  /** Image ref to run (see redisImage; digest-pinned in prod). */
  image: pulumi.Input<string>;
  /** The setting a refused storage-class change names, e.g. `moontv:redis.storageClass`. */
  storageClassSetting: string;
}

/** Redis with persistence: StatefulSet, Services, redis.conf ConfigMap and the password Secret. */
export class Redis extends pulumi.ComponentResource {
  /** Service name (the in-namespace host name `redis`). */
  readonly host: string = REDIS_NAME;
  readonly port: number = REDIS_PORT;
  /** The Secret holding the password, and the password's key there. */
  readonly secretName: string = REDIS_SECRET_NAME;
  readonly secretKey: string = STORE_PASSWORD_KEY;
  /** The generated password, a secret. */
  readonly password: pulumi.Output<string>;
  /** `redis://:<password>@redis:6379`, a secret. */
  readonly url: pulumi.Output<string>;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** The data claim `data-redis-0`, resized in place when `storageSize` grows. */
  readonly claims: k8s.core.v1.PersistentVolumeClaim[];

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:redis:Redis", name, {}, opts);
    const child = { parent: this };
    const { redis, namespace, instance } = args;

    // Alphanumeric: safe unquoted in redis.conf and unescaped in a URL.
    const generated = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, child);
    this.password = pulumi.secret(generated.result);
    this.url = pulumi.secret(this.password.apply((p) => redisUrl(this.host, this.port, p)));

    const conf = renderRedisConf(clusterRedisConfOptions(redis));
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      buildRedisConfigMap(namespace, instance, conf),
      child,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-auth`,
      buildRedisSecret(namespace, instance, this.password, pulumi.secret(this.password.apply(renderRedisAuthConf))),
      child,
    );
    const services = buildRedisServices(namespace, instance);
    new k8s.core.v1.Service(`${name}-headless`, services.headless, child);
    new k8s.core.v1.Service(name, services.service, child);

    const hash = configHash(conf);
    this.claims = registerStatefulSetClaims(
      `${name}-data`,
      {
        statefulSet: REDIS_NAME,
        namespace,
        replicas: 1,
        claim: redisDataClaim(redis, instance),
        classSetting: args.storageClassSetting,
        protect: redis.protect,
      },
      child,
    );
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      buildRedisStatefulSet({ redis, namespace, instance, image: args.image, configHash: hash }),
      {
        ...child,
        // Its controller must find the claim, not make its own.
        dependsOn: [configMap, secret, ...this.claims],
        ignoreChanges: IGNORE_CLAIM_TEMPLATES,
        ...retainedData(redis.protect),
      },
    );
    this.registerOutputs({ host: this.host, port: this.port, url: this.url });
  }
}
