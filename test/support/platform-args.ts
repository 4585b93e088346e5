import { KVROCKS_NAME, KVROCKS_PORT, KVROCKS_SECRET_NAME } from "../../components/kvrocks/names";
import * as fs from "fs";
import { DOCKERIGNORE_PATH } from "../../components/image/dockerfile";
import type { StagedImageArgs } from "../../components/image";
import { stagedImageArgs } from "../../components/platform/image";
import { monitoringArgs } from "../../components/platform/monitoring";
import type { StoreEndpoint } from "../../components/platform/network";
import { REDIS_NAME, REDIS_PORT, REDIS_SECRET_NAME } from "../../components/redis/names";
import { STORE_PASSWORD_KEY } from "../../components/shared/store";
import type { MonitoringArgs } from "../../components/monitoring/args";
import { settingsFor } from "./settings";

/** The stores as the platform hands them on: the names their components give their Service and Secret. */
export const REDIS_ENDPOINT: StoreEndpoint = {
  kind: "redis",
  host: REDIS_NAME,
  port: REDIS_PORT,
  secretName: REDIS_SECRET_NAME,
  secretKey: STORE_PASSWORD_KEY,
};
export const KVROCKS_ENDPOINT: StoreEndpoint = {
  kind: "kvrocks",
  host: KVROCKS_NAME,
  port: KVROCKS_PORT,
  secretName: KVROCKS_SECRET_NAME,
  secretKey: STORE_PASSWORD_KEY,
};

/**
 * Monitoring args as the platform makes them for prod's settings with `values` merged in (`moontv:app.storage`
 * picks the store); images are not pinned.
 */
export function monitoringArgsFor(values: Record<string, unknown> = {}, stack = "prod"): MonitoringArgs {
  const settings = settingsFor(stack, values);
  const store = settings.app.storage === "kvrocks" ? KVROCKS_ENDPOINT : REDIS_ENDPOINT;
  return monitoringArgs(settings, store, (ref) => ref);
}

/**
 * StagedImage args as the platform makes them for a stack whose `moontv:image` is `image` (a build:
 * `repository` and `context` at least), `moontv:registryMirrors` as given. A local context holds the
 * project's .dockerignore; the registry password is stored as a secret.
 */
export function stagedImageArgsFor(
  image: Record<string, unknown> & { context: { location: string } },
  stack = "prod",
  opts: { registryMirrors?: Record<string, string>; dockerfile?: string } = {},
): StagedImageArgs {
  const files = {
    [`${image.context.location.replace(/\/+$/, "")}/.dockerignore`]: fs.readFileSync(DOCKERIGNORE_PATH, "utf8"),
  };
  const values = { image, ...(opts.registryMirrors ? { registryMirrors: opts.registryMirrors } : {}) };
  const settings = settingsFor(stack, values, { secretKeys: ["image"], files });
  return stagedImageArgs(
    settings.image.build!,
    settings.stack,
    settings.pinImageDigests,
    opts.dockerfile ?? "FROM scratch AS runner\n",
    settings.registryMirrors,
  );
}
