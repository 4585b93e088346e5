import type * as k8s from "@pulumi/kubernetes";
import { parseMemory, MIB } from "../../lib/quantities";
import type { AppStorage, MoonTvAppSettings } from "./args";
import { APP_PORT, APP_SECRET_NAME } from "./names";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Share of the container memory limit given to V8's old space; the rest is for buffers, code and native memory. */
export const HEAP_SHARE = 0.75;

/** `--max-old-space-size` in MiB for a memory limit such as `768Mi`. */
export function heapSizeMiB(memoryLimit: string): number {
  return Math.max(64, Math.floor(((parseMemory(memoryLimit) ?? 0) / MIB) * HEAP_SHARE));
}

/** The Secret key holding the URL of the store this program deploys for the storage type, if any. */
export function storeUrlKey(storage: AppStorage): "REDIS_URL" | "KVROCKS_URL" | undefined {
  return storage === "redis" ? "REDIS_URL" : storage === "kvrocks" ? "KVROCKS_URL" : undefined;
}

/** Keys of the app Secret for the given storage type. */
export function appSecretKeys(app: Pick<MoonTvAppSettings, "storage">): string[] {
  const keys = ["USERNAME", "PASSWORD"];
  const url = storeUrlKey(app.storage);
  if (url) keys.push(url);
  if (app.storage === "upstash") keys.push("UPSTASH_URL", "UPSTASH_TOKEN");
  return keys;
}

/**
 * The app's environment: non-secret settings as literals, secrets as references into the app Secret.
 * `NEXT_PUBLIC_*` values are read by the server at run time, so they can differ per stack without a
 * rebuild. Each flavor gets the names its code reads: MoonTV `SITE_NAME`, `NEXT_PUBLIC_IMAGE_PROXY`;
 * LunaTV `NEXT_PUBLIC_SITE_NAME` and its Douban proxies, which take effect with the `custom` type.
 * LunaTV copies these into its admin configuration on first start; from then on /admin's values win.
 */
export function buildAppEnv(app: MoonTvAppSettings): EnvVar[] {
  const lunatv = app.flavor === "lunatv";
  const literals: Array<[string, string | undefined]> = [
    ["NODE_ENV", "production"],
    ["DOCKER_ENV", "true"],
    ["HOSTNAME", "0.0.0.0"],
    ["PORT", String(APP_PORT)],
    ["NEXT_TELEMETRY_DISABLED", "1"],
    ["NODE_OPTIONS", `--max-old-space-size=${heapSizeMiB(app.resources.limits.memory)}`],
    ["TZ", app.timezone],
    ["NEXT_PUBLIC_STORAGE_TYPE", app.storage],
    [lunatv ? "NEXT_PUBLIC_SITE_NAME" : "SITE_NAME", app.siteName],
    ["ANNOUNCEMENT", app.announcement],
    ["NEXT_PUBLIC_ENABLE_REGISTER", String(app.enableRegister)],
    ["NEXT_PUBLIC_SEARCH_MAX_PAGE", String(app.searchMaxPage)],
    ...(lunatv
      ? ([
          ["NEXT_PUBLIC_DOUBAN_IMAGE_PROXY_TYPE", app.imageProxy && "custom"],
          ["NEXT_PUBLIC_DOUBAN_IMAGE_PROXY", app.imageProxy],
          ["NEXT_PUBLIC_DOUBAN_PROXY_TYPE", app.doubanProxy && "custom"],
          ["NEXT_PUBLIC_DOUBAN_PROXY", app.doubanProxy],
        ] as Array<[string, string | undefined]>)
      : ([
          ["NEXT_PUBLIC_IMAGE_PROXY", app.imageProxy],
          ["NEXT_PUBLIC_DOUBAN_PROXY", app.doubanProxy],
        ] as Array<[string, string | undefined]>)),
  ];
  const env: EnvVar[] = literals.filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value }));
  for (const key of appSecretKeys(app)) {
    env.push({ name: key, valueFrom: { secretKeyRef: { name: APP_SECRET_NAME, key } } });
  }
  return env;
}
