import { strict as assert } from "assert";
import fc from "fast-check";
import { isSettingsError, parseSettings } from "../../stacks/settings";

const KEYS = ["environment", "namespace", "pinImageDigests", "kubernetes", "image", "app", "redis"];

/** Values that are close to valid ones, so the search reaches deep checks and not only type errors. */
const nearValid = fc.record(
  {
    app: fc.record(
      {
        replicas: fc.oneof(fc.integer({ min: -5, max: 60 }), fc.double(), fc.string()),
        storage: fc.constantFrom("redis", "localstorage", "upstash", "d1", ""),
        searchMaxPage: fc.integer({ min: -1, max: 60 }),
        timezone: fc.constantFrom("UTC", "Asia/Shanghai", "Nowhere/City", ""),
        password: fc.string(),
        configJson: fc.constantFrom("config.json", "bad.json", "missing.json", "../../etc/passwd"),
        probes: fc.record(
          { livenessPath: fc.constantFrom("/login", "/api/cron", "login", "/x?y=1") },
          { requiredKeys: [] },
        ),
        resources: fc.record(
          { limits: fc.record({ memory: fc.constantFrom("1Mi", "512Mi", "0", "lots", "1Ti") }, { requiredKeys: [] }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    redis: fc.record(
      {
        maxmemory: fc.constantFrom("1mb", "64mb", "1gb", "0", "many"),
        maxmemoryPolicy: fc.string(),
        storageSize: fc.string(),
      },
      { requiredKeys: [] },
    ),
    image: fc.record({ ref: fc.oneof(fc.string(), fc.constant(`r/x@sha256:${"b".repeat(64)}`)) }, { requiredKeys: [] }),
    namespace: fc.oneof(fc.string(), fc.constantFrom("moontv", "a".repeat(64), "-x")),
    environment: fc.constantFrom("dev", "prod", "staging", 1),
  },
  { requiredKeys: [] },
);

/** Anything YAML could produce, including keys that are dangerous for naive object merging. */
const hostile = fc.dictionary(
  fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom("__proto__", "constructor", "prototype"), fc.string()),
  fc.oneof(
    fc.jsonValue(),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
    fc.constant({ constructor: { prototype: { polluted: true } } }),
    fc.constant(Number.MAX_SAFE_INTEGER * 10),
  ),
);

const files: Record<string, string> = {
  "config.json": JSON.stringify({ api_site: { a: { api: "https://a.example/api", name: "A" } } }),
  "bad.json": "{ not json",
};

function check(values: Record<string, unknown>, secret: boolean, stack: string): void {
  try {
    const s = parseSettings(
      { values, secretKeys: new Set(secret ? KEYS : []) },
      { stack, stackFile: `Pulumi.${stack}.yaml`, readFile: (p) => files[p] },
    );
    assert.ok(s.app.replicas >= 1 && s.app.replicas <= 50);
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.app));
  } catch (err) {
    if (!isSettingsError(err)) throw err;
    assert.match(err.key, /^moontv:/, `key ${err.key}`);
    assert.ok(err.message.startsWith(`${err.key} in Pulumi.${stack}.yaml: got `), err.message);
    assert.ok(!err.message.includes("undefined;"), err.message);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
}

describe("settings: property-based (fast-check)", () => {
  it("near-valid configs give valid settings or a SettingsError naming a key, never another exception", () => {
    fc.assert(
      fc.property(nearValid, fc.boolean(), fc.constantFrom("dev", "prod", "qa"), (v, secret, stack) =>
        check(v as Record<string, unknown>, secret, stack),
      ),
      { numRuns: 1500 },
    );
  });

  it("hostile configs (any JSON, prototype keys, huge numbers) never raise anything but a SettingsError", () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), fc.constantFrom("dev", "prod"), (v, secret, stack) => check(v, secret, stack)),
      { numRuns: 1500 },
    );
  });

  it("the search does reach valid settings (the property is not vacuous)", () => {
    let valid = 0;
    fc.assert(
      fc.property(nearValid, (v) => {
        try {
          parseSettings(
            { values: v as Record<string, unknown>, secretKeys: new Set(KEYS) },
            { stack: "dev", stackFile: "Pulumi.dev.yaml", readFile: (p) => files[p] },
          );
          valid++;
        } catch {
          /* counted below */
        }
      }),
      { numRuns: 3000 },
    );
    assert.ok(valid > 0, "no generated config was valid");
  });
});
