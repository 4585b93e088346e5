import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../stacks/settings/types";
import { kvrocksImage, type KvrocksArgs } from "../kvrocks";

/** Kvrocks args from the settings; its image goes through `pin` (mirrors, digests in prod). */
export function kvrocksArgs(
  settings: Settings,
  namespace: pulumi.Input<string>,
  pin: (ref: string) => pulumi.Input<string>,
): KvrocksArgs {
  const k = settings.kvrocks;
  return {
    kvrocks: { storageSize: k.storageSize, storageClass: k.storageClass, protect: k.protect, resources: k.resources },
    namespace,
    instance: settings.stack,
    image: pin(kvrocksImage(k.version, k.image)),
    storageClassSetting: "moontv:kvrocks.storageClass",
  };
}

/** Whether the store's data is protected: the namespace holding its claim is protected alike. */
export function storeProtected(settings: Settings): boolean {
  return settings.app.storage === "kvrocks" ? settings.kvrocks.protect : settings.redis.protect;
}
