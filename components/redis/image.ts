// Apart from the workload builders (which load the Pulumi SDK) so that the local cluster's set-up can
// name the same image for its stand-in without loading Pulumi.
import type { RedisSettings } from "./statefulset";

/** The image for a Redis version: the official Debian image, whose `redis` user is uid 999. */
export function redisImage(redis: Pick<RedisSettings, "version" | "image">): string {
  return redis.image ?? `docker.io/library/redis:${redis.version}-bookworm`;
}
