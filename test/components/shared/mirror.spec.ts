import { strict as assert } from "assert";
import { mirroredImage, splitImageRef } from "../../../components/shared";
import { settingsErrorOf, settingsFor } from "../../support/settings";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("registry mirrors", () => {
  it("splits refs as Docker reads them: a short name is on Docker Hub, under library/ when it has no slash", () => {
    assert.deepEqual(splitImageRef("redis:7.4"), ["docker.io", "library/redis", ":7.4"]);
    assert.deepEqual(splitImageRef("grafana/grafana:11.2.0"), ["docker.io", "grafana/grafana", ":11.2.0"]);
    assert.deepEqual(splitImageRef("quay.io/prometheus/prometheus:v2.53.2"), [
      "quay.io",
      "prometheus/prometheus",
      ":v2.53.2",
    ]);
    assert.deepEqual(splitImageRef(`localhost:5001/moontv@${DIGEST}`), ["localhost:5001", "moontv", `@${DIGEST}`]);
    assert.deepEqual(splitImageRef(`127.0.0.1:5000/a/b:1@${DIGEST}`), ["127.0.0.1:5000", "a/b", `:1@${DIGEST}`]);
  });

  it("rewrites an image of a mirrored registry and keeps its tag and digest", () => {
    const mirrors = { "docker.io": "mirror.example.com/hub", "quay.io": "127.0.0.1:5000/quay" };
    assert.equal(
      mirroredImage("docker.io/library/redis:7.4-bookworm", mirrors),
      "mirror.example.com/hub/library/redis:7.4-bookworm",
    );
    assert.equal(mirroredImage("grafana/grafana:11.2.0", mirrors), "mirror.example.com/hub/grafana/grafana:11.2.0");
    assert.equal(
      mirroredImage(`quay.io/prometheus/prometheus:v2@${DIGEST}`, mirrors),
      `127.0.0.1:5000/quay/prometheus/prometheus:v2@${DIGEST}`,
    );
  });

  it("leaves images of other registries alone", () => {
    assert.equal(mirroredImage("ghcr.io/org/app:1", { "docker.io": "m.example.com/hub" }), "ghcr.io/org/app:1");
    assert.equal(mirroredImage("redis:7", {}), "redis:7");
  });

  it("moontv:registryMirrors is a mapping of registry host to a repository prefix; anything else is refused by key", () => {
    assert.deepEqual(settingsFor("dev", { registryMirrors: { "docker.io": "m.example.com/hub" } }).registryMirrors, {
      "docker.io": "m.example.com/hub",
    });
    assert.deepEqual(settingsFor("dev").registryMirrors, {});
    const tagged = settingsErrorOf(() =>
      settingsFor("dev", { registryMirrors: { "docker.io": "m.example.com/hub:latest" } }),
    );
    assert.match(
      tagged.message,
      /moontv:registryMirrors\.docker\.io in Pulumi\.dev\.yaml: .*allowed: a repository prefix/,
    );
    const notMapping = settingsErrorOf(() => settingsFor("dev", { registryMirrors: "m.example.com" }));
    assert.match(
      notMapping.message,
      /moontv:registryMirrors in Pulumi\.dev\.yaml: .*allowed: a mapping of registry host to mirror prefix/,
    );
  });
});
