import { strict as assert } from "assert";
import { redisArgs } from "../../../components/platform/redis";
import { settingsFor } from "../../support/settings";

describe("platform: Redis args from the settings", () => {
  const settings = settingsFor("prod", {
    redis: {
      version: "7.2",
      storageSize: "5Gi",
      storageClass: "fast",
      maxmemory: "300mb",
      maxmemoryPolicy: "allkeys-lru",
    },
  });
  const pinned: string[] = [];
  const args = redisArgs(settings, "moontv", (ref) => (pinned.push(ref), `pinned:${ref}`));

  it("maps every Redis setting the component takes, and nothing else", () => {
    const r = settings.redis;
    assert.deepEqual(args.redis, {
      version: "7.2",
      image: undefined,
      storageSize: "5Gi",
      storageClass: "fast",
      maxmemory: "300mb",
      maxmemoryPolicy: "allkeys-lru",
      protect: r.protect,
      resources: r.resources,
    });
    assert.equal(args.namespace, "moontv");
    assert.equal(args.instance, "prod");
  });

  it("runs the official image of the version through the pin (mirrors, digests), and names its class setting", () => {
    assert.deepEqual(pinned, ["docker.io/library/redis:7.2-bookworm"]);
    assert.equal(args.image, "pinned:docker.io/library/redis:7.2-bookworm");
    assert.equal(args.storageClassSetting, "moontv:redis.storageClass");
  });
});
