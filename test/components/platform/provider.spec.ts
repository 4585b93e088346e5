import { strict as assert } from "assert";
import { buildProviderArgs } from "../../../components/platform/provider";
import { settingsFor } from "../../support/settings";

describe("platform: Kubernetes provider args", () => {
  it("updates ConfigMaps in place (config.json, redis.conf) instead of deleting and re-creating them", () => {
    const args = buildProviderArgs(settingsFor("dev").kubernetes, "moontv-dev");
    assert.equal(args.enableConfigMapMutable, true);
    assert.equal(args.namespace, "moontv-dev");
  });
});
