import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../stacks/settings/types";
import { redisImage, type RedisArgs } from "../redis";

/** Redis args from the settings; its image goes through `pin` (mirrors, digests in prod). */
export function redisArgs(
  settings: Settings,
  namespace: pulumi.Input<string>,
  pin: (ref: string) => pulumi.Input<string>,
): RedisArgs {
  const r = settings.redis;
  return {
    redis: {
      version: r.version,
      image: r.image,
      storageSize: r.storageSize,
      storageClass: r.storageClass,
      maxmemory: r.maxmemory,
      maxmemoryPolicy: r.maxmemoryPolicy,
      protect: r.protect,
      resources: r.resources,
    },
    namespace,
    instance: settings.stack,
    image: pin(redisImage(r)),
    storageClassSetting: "moontv:redis.storageClass",
  };
}
