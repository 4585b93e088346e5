import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as util from "util";
import { missingContextIgnores } from "../../stacks/settings/image-context";
import * as pulumi from "@pulumi/pulumi";
import { SecretValue } from "../../stacks/settings";
import { DIGEST_REF, SAMPLE_CONFIG_JSON, settingsErrorOf, settingsFor } from "../support/settings";

describe("settings: per-environment defaults", () => {
  it("dev gets one replica, small budgets and unprotected data", () => {
    const s = settingsFor("dev");
    assert.equal(s.environment, "dev");
    assert.equal(s.app.replicas, 1);
    assert.equal(s.app.resources.limits.memory, "384Mi");
    assert.equal(s.redis.protect, false);
    assert.equal(s.pinImageDigests, false);
  });

  it("prod gets two replicas, larger budgets, protected data and pinned images", () => {
    const s = settingsFor("prod");
    assert.equal(s.app.replicas, 2);
    assert.equal(s.app.resources.limits.memory, "768Mi");
    assert.equal(s.redis.storageSize, "10Gi");
    assert.equal(s.redis.protect, true);
    assert.equal(s.pinImageDigests, true);
  });

  it("a stack file overrides one leaf and keeps the other defaults", () => {
    const s = settingsFor("prod", { app: { replicas: 4 } });
    assert.equal(s.app.replicas, 4);
    assert.equal(s.app.searchMaxPage, 5);
    assert.equal(s.app.probes.readinessPath, "/api/server-config");
  });

  it("the probe defaults are MoonTV's real routes, not /api/health", () => {
    const { probes } = settingsFor("dev").app;
    assert.deepEqual(probes, { startupPath: "/login", livenessPath: "/login", readinessPath: "/api/server-config" });
  });

  it("a stack not named dev or prod takes moontv:environment", () => {
    assert.equal(settingsFor("staging", { environment: "prod" }).app.replicas, 2);
    const err = settingsErrorOf(() => settingsFor("staging"));
    assert.equal(err.key, "moontv:environment");
  });

  it("settings are frozen", () => {
    const s = settingsFor("dev");
    assert.throws(() => ((s.app as { replicas: number }).replicas = 9), TypeError);
  });
});

describe("settings: errors name the key, the stack file, the value and what is allowed", () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      "replicas out of range",
      { app: { replicas: 0 } },
      "moontv:app.replicas",
      /got 0; allowed: a whole number of replicas from 1 to 50/,
    ],
    ["replicas not a number", { app: { replicas: "two" } }, "moontv:app.replicas", /got "two"/],
    ["searchMaxPage above 50", { app: { searchMaxPage: 51 } }, "moontv:app.searchMaxPage", /from 1 to 50/],
    [
      "unknown storage",
      { app: { storage: "mysql" } },
      "moontv:app.storage",
      /one of redis, kvrocks, localstorage, upstash/,
    ],
    ["misspelt key", { app: { replcas: 2 } }, "moontv:app.replcas", /known keys: flavor, replicas, storage/],
    ["unknown top-level key", { monitorng: {} }, "moontv:monitorng", /one of the keys moontv:environment/],
    [
      "probe on /api/cron",
      { app: { probes: { readinessPath: "/api/cron" } } },
      "moontv:app.probes.readinessPath",
      /any route but \/api\/cron/,
    ],
    [
      "relative probe path",
      { app: { probes: { livenessPath: "login" } } },
      "moontv:app.probes.livenessPath",
      /absolute URL path/,
    ],
    ["bad time zone", { app: { timezone: "Mars/Olympus" } }, "moontv:app.timezone", /IANA time zone/],
    ["proxy not a URL", { app: { imageProxy: "ftp://x" } }, "moontv:app.imageProxy", /http\(s\) URL/],
    [
      "request above limit",
      { app: { resources: { requests: { memory: "1Gi" } } } },
      "moontv:app.resources.requests.memory",
      /no larger than the limit \(384Mi\)/,
    ],
    [
      "bad CPU quantity",
      { app: { resources: { limits: { cpu: "lots" } } } },
      "moontv:app.resources.limits.cpu",
      /CPU quantity/,
    ],
    ["namespace not a DNS label", { namespace: "MoonTV_Prod" }, "moontv:namespace", /DNS-1123 label/],
    ["unknown eviction policy", { redis: { maxmemoryPolicy: "lru" } }, "moontv:redis.maxmemoryPolicy", /noeviction/],
    [
      "maxmemory above 75% of the limit",
      { redis: { maxmemory: "120mb" } },
      "moontv:redis.maxmemory",
      /at most 75% of redis.resources.limits.memory \(128Mi\)/,
    ],
    ["app is not a mapping", { app: "big" }, "moontv:app", /a mapping of app settings/],
    [
      "upstash without its URL and token",
      { app: { storage: "upstash" } },
      "moontv:app.upstash",
      /when app.storage is upstash/,
    ],
  ];
  for (const [title, values, key, message] of cases) {
    it(title, () => {
      const err = settingsErrorOf(() => settingsFor("dev", values));
      assert.equal(err.key, key);
      assert.match(err.message, new RegExp(`^${key.replace(/\./g, "\\.")} in Pulumi\\.dev\\.yaml: got `));
      assert.match(err.message, message);
    });
  }

  it("is a pulumi.RunError, which the Pulumi CLI prints as its message alone, without a stack trace", () => {
    const err = settingsErrorOf(() => settingsFor("dev", { app: { replicas: 0 } }));
    assert.ok(err instanceof pulumi.RunError);
  });

  it("prod refuses an image ref that is not digest-pinned", () => {
    const err = settingsErrorOf(() => settingsFor("prod", { image: { ref: "ghcr.io/org/moontv:1.0" } }));
    assert.equal(err.key, "moontv:image.ref");
    assert.match(err.message, /digest-pinned reference/);
    assert.doesNotThrow(() => settingsFor("dev", { image: { ref: "ghcr.io/org/moontv:1.0" } }));
  });

  it("an image ref is required", () => {
    const err = settingsErrorOf(() => settingsFor("dev", { image: {} }));
    assert.equal(err.key, "moontv:image.ref");
  });

  it("a password stored in clear text in the stack file is refused, without echoing it", () => {
    const err = settingsErrorOf(() => settingsFor("dev", { app: { password: "hunter2-hunter2" } }));
    assert.equal(err.key, "moontv:app.password");
    assert.match(err.message, /pulumi config set --secret --path moontv:app\.password/);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it("a too-short secret password is reported as [secret]", () => {
    const err = settingsErrorOf(() => settingsFor("dev", { app: { password: "short" } }, { secretKeys: ["app"] }));
    assert.equal(err.key, "moontv:app.password");
    assert.match(err.message, /got \[secret\]/);
    assert.doesNotMatch(err.message, /short/);
  });
});

describe("settings: secrets", () => {
  it("wraps secret settings so they never print", () => {
    const s = settingsFor(
      "dev",
      { app: { password: "correct-horse-battery" }, kubernetes: { kubeconfig: "apiVersion: v1" } },
      { secretKeys: ["app", "kubernetes"] },
    );
    assert.ok(s.app.password instanceof SecretValue);
    assert.equal(s.app.password!.reveal(), "correct-horse-battery");
    const shown = [String(s.app.password), JSON.stringify(s), util.inspect(s, { depth: 10 })].join("\n");
    assert.doesNotMatch(shown, /correct-horse-battery|apiVersion: v1/);
  });
});

describe("settings: config.json (app.flavor moontv)", () => {
  it("reads and validates MoonTV's config.json shape", () => {
    const s = settingsFor(
      "dev",
      { app: { flavor: "moontv", configJson: "config.json" } },
      { files: { "config.json": SAMPLE_CONFIG_JSON } },
    );
    assert.deepEqual(JSON.parse(s.app.configJson!.text), JSON.parse(SAMPLE_CONFIG_JSON));
  });

  const bad: Array<[string, string | undefined, RegExp]> = [
    ["a missing file", undefined, /the path of an existing config\.json/],
    ["invalid JSON", "{ api_site: ", /valid JSON/],
    ["a site without api", JSON.stringify({ api_site: { x: { name: "X" } } }), /at api_site\.x\.api: an http\(s\) URL/],
    [
      "a misspelt top-level key",
      JSON.stringify({ api_sites: {} }),
      /at api_sites: no such key here; known keys: cache_time, api_site, custom_category/,
    ],
    [
      "a category of an unknown type",
      JSON.stringify({ api_site: {}, custom_category: [{ type: "anime", query: "x" }] }),
      /custom_category\.0\.type: movie or tv/,
    ],
  ];
  for (const [title, text, message] of bad) {
    it(`names the file and the place of ${title}`, () => {
      const files: Record<string, string> = text === undefined ? {} : { "c.json": text };
      const err = settingsErrorOf(() =>
        settingsFor("dev", { app: { flavor: "moontv", configJson: "c.json" } }, { files }),
      );
      assert.equal(err.key, "moontv:app.configJson");
      assert.match(err.message, /got "c\.json"/);
      assert.match(err.message, message);
    });
  }

  it("accepts the same settings with the DIGEST_REF helper used across specs", () => {
    assert.equal(settingsFor("prod").image.ref, DIGEST_REF);
  });
});

describe("settings: the image", () => {
  const build = {
    repository: "localhost:5001/moontv",
    context: { location: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "main" },
  };

  it("builds when image.repository is set: one platform in dev, amd64 + arm64 in prod", () => {
    const dev = settingsFor("dev", { image: build });
    assert.equal(dev.image.ref, undefined);
    assert.deepEqual(dev.image.build!.platforms, ["linux/amd64"]);
    assert.equal(dev.image.build!.target, "runner");
    assert.deepEqual(settingsFor("prod", { image: build }).image.build!.platforms, ["linux/amd64", "linux/arm64"]);
  });

  it("keeps the registry password a secret", () => {
    const s = settingsFor(
      "dev",
      { image: { ...build, registry: { username: "bot", password: "registry-token-1" } } },
      { secretKeys: ["image"] },
    );
    assert.equal(s.image.build!.registry!.password.reveal(), "registry-token-1");
    assert.doesNotMatch(JSON.stringify(s), /registry-token-1/);
    const err = settingsErrorOf(() =>
      settingsFor("dev", { image: { ...build, registry: { username: "bot", password: "registry-token-1" } } }),
    );
    assert.equal(err.key, "moontv:image.registry.password");
  });

  const bad: Array<[string, Record<string, unknown>, string, RegExp, string?]> = [
    ["both a ref and a build", { ...build, ref: "x/y:1" }, "moontv:image.ref", /not both/],
    [
      "a repository without registry host",
      { ...build, repository: "moontv" },
      "moontv:image.repository",
      /fully qualified repository/,
    ],
    [
      "a repository with a tag",
      { ...build, repository: "ghcr.io/org/moontv:1" },
      "moontv:image.repository",
      /without tag/,
    ],
    ["a build without context", { repository: "ghcr.io/org/moontv" }, "moontv:image.context", /the sources to build/],
    [
      "gitRef on a local directory",
      { ...build, context: { location: "../moontv", gitRef: "main" } },
      "moontv:image.context.location",
      /a git URL/,
    ],
    [
      "a subdirectory of a local directory",
      { ...build, context: { location: "../moontv", subdirectory: "app" } },
      "moontv:image.context.location",
      /a git URL .*when gitRef or subdirectory is given/,
    ],
    [
      "a git URL with a #fragment",
      { ...build, context: { location: "https://github.com/a/b.git#main" } },
      "moontv:image.context.location",
      /without a #fragment: give the branch, tag or commit as image\.context\.gitRef/,
    ],
    ["an unknown platform", { ...build, platforms: ["linux/s390"] }, "moontv:image.platforms.0", /one of linux\/amd64/],
    [
      "a duplicate platform",
      { ...build, platforms: ["linux/amd64", "linux/amd64"] },
      "moontv:image.platforms",
      /without duplicates/,
    ],
    ["an unknown target", { ...build, target: "builder" }, "moontv:image.target", /runner .* or debug/],
    [
      "a builder name that buildx refuses",
      { ...build, builder: "my builder" },
      "moontv:image.builder",
      /buildx builder name/,
    ],
    ["a zero size budget", { ...build, sizeBudgetMiB: 0 }, "moontv:image.sizeBudgetMiB", /from 1 to 4096/],
    [
      "a Node.js past its end of life",
      { ...build, nodeVersion: "20" },
      "moontv:image.nodeVersion",
      /end of life on 2026-04-30/,
    ],
    ["a bad git sha", { ...build, gitSha: "main" }, "moontv:image.gitSha", /git commit id/],
    [
      "no push with two platforms",
      { ...build, push: false, platforms: ["linux/amd64", "linux/arm64"] },
      "moontv:image.push",
      /several platforms/,
    ],
    ["no push in prod", { ...build, push: false }, "moontv:image.push", /true in prod/, "prod"],
  ];
  for (const [title, image, key, message, stack] of bad) {
    it(`refuses ${title}`, () => {
      const err = settingsErrorOf(() => settingsFor(stack ?? "dev", { image }));
      assert.equal(err.key, key);
      assert.match(err.message, message);
    });
  }
});

describe("settings: a local build context", () => {
  const ours = fs.readFileSync(path.join(__dirname, "../../components/image/.dockerignore"), "utf8");
  const local = (files: Record<string, string>) => () =>
    settingsFor(
      "dev",
      { image: { repository: "localhost:5001/moontv", context: { location: "../moontv" } } },
      { files },
    );

  it("is accepted when its .dockerignore excludes node_modules, .next, .git and .env (ours does)", () => {
    assert.deepEqual(local({ "../moontv/.dockerignore": ours })().image.build!.context, {
      kind: "directory",
      path: "../moontv",
    });
    assert.deepEqual(missingContextIgnores(ours), []);
  });

  it("is refused, naming what is missing, with upstream's .dockerignore (only .env*) or none", () => {
    const upstream = settingsErrorOf(local({ "../moontv/.dockerignore": ".env*\n" }));
    assert.equal(upstream.key, "moontv:image.context.location");
    assert.match(upstream.message, /excludes node_modules, \.next, \.git \(COPY \. \. would/);
    assert.match(settingsErrorOf(local({})).message, /excludes node_modules, \.next, \.git, \.env/);
  });

  it("understands the usual spellings of the patterns", () => {
    assert.deepEqual(missingContextIgnores("**/node_modules\n/.next/\n.git\n.env\n# .env* comment\n"), []);
    assert.deepEqual(missingContextIgnores("!node_modules\n.next\n.git\n.env.local\n"), ["node_modules", ".env"]);
  });
});

describe("settings: rendering YAML instead of deploying", () => {
  it("renders to a directory when no cluster is named", () => {
    assert.equal(
      settingsFor("dev", { kubernetes: { renderYamlToDirectory: "rendered" } }).kubernetes.renderYamlToDirectory,
      "rendered",
    );
  });

  it("refuses a render directory together with a context, as the kubernetes provider would only later", () => {
    const err = settingsErrorOf(() =>
      settingsFor("dev", { kubernetes: { renderYamlToDirectory: "rendered", context: "kind-moontv" } }),
    );
    assert.equal(err.key, "moontv:kubernetes.renderYamlToDirectory");
    assert.match(
      err.message,
      /got "rendered"; allowed: a render directory only without a cluster to talk to: unset kubernetes\.context \("kind-moontv"\)/,
    );
  });

  it("refuses a render directory together with a kubeconfig, without echoing the kubeconfig", () => {
    const err = settingsErrorOf(() =>
      settingsFor(
        "dev",
        { kubernetes: { renderYamlToDirectory: "rendered", kubeconfig: "apiVersion: v1 # cluster-a" } },
        { secretKeys: ["kubernetes"] },
      ),
    );
    assert.equal(err.key, "moontv:kubernetes.renderYamlToDirectory");
    assert.match(err.message, /unset kubernetes\.kubeconfig \(the kubernetes provider refuses them together\)/);
    assert.doesNotMatch(err.message, /cluster-a/);
  });
});

describe("settings: app.flavor (LunaTV or MoonTV) and Kvrocks", () => {
  const oneLine = (message: string) => assert.ok(!message.includes("\n"), message);

  it("defaults to LunaTV, the sources the stacks build, with Redis", () => {
    for (const stack of ["dev", "prod"]) {
      const s = settingsFor(stack);
      assert.equal(s.app.flavor, "lunatv");
      assert.equal(s.app.storage, "redis");
    }
  });

  it("refuses an unknown flavor, naming the key and both flavors", () => {
    const err = settingsErrorOf(() => settingsFor("dev", { app: { flavor: "selene" } }));
    assert.equal(err.key, "moontv:app.flavor");
    assert.match(err.message, /got "selene"; allowed: lunatv .* or moontv/);
    oneLine(err.message);
  });

  const wrong: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      "LunaTV with localstorage",
      { storage: "localstorage" },
      /got "localstorage"; allowed: with app\.flavor lunatv, one of redis, kvrocks, upstash \(LunaTV keeps its configuration in the database/,
    ],
    [
      "MoonTV with kvrocks",
      { flavor: "moontv", storage: "kvrocks" },
      /got "kvrocks"; allowed: with app\.flavor moontv, one of localstorage, redis, upstash \(kvrocks is LunaTV's/,
    ],
  ];
  for (const [what, app, message] of wrong) {
    it(`refuses ${what} on moontv:app.storage, in one line`, () => {
      const err = settingsErrorOf(() => settingsFor("dev", { app }));
      assert.equal(err.key, "moontv:app.storage");
      assert.match(err.message, message);
      oneLine(err.message);
    });
  }

  it("accepts each flavor's own storages", () => {
    for (const storage of ["redis", "kvrocks", "upstash"]) {
      const upstash = storage === "upstash" ? { upstash: { url: "https://u.example", token: "t0ken" } } : {};
      assert.equal(settingsFor("dev", { app: { storage, ...upstash } }, { secretKeys: ["app"] }).app.storage, storage);
    }
    for (const storage of ["localstorage", "redis"])
      assert.equal(settingsFor("dev", { app: { flavor: "moontv", storage } }).app.storage, storage);
  });

  it("refuses configJson for LunaTV, saying its sources are set on its admin page", () => {
    const err = settingsErrorOf(() =>
      settingsFor("dev", { app: { configJson: "c.json" } }, { files: { "c.json": SAMPLE_CONFIG_JSON } }),
    );
    assert.equal(err.key, "moontv:app.configJson");
    assert.match(
      err.message,
      /got "c\.json"; allowed: nothing with app\.flavor lunatv: LunaTV ignores \/app\/config\.json .* admin page \(\/admin/,
    );
    oneLine(err.message);
    assert.ok(
      settingsFor(
        "dev",
        { app: { flavor: "moontv", configJson: "c.json" } },
        { files: { "c.json": SAMPLE_CONFIG_JSON } },
      ).app.configJson,
    );
  });

  it("Kvrocks: unprotected 1Gi in dev, protected 10Gi in prod, the official image's version", () => {
    const dev = settingsFor("dev").kvrocks;
    const prod = settingsFor("prod").kvrocks;
    assert.deepEqual(
      [dev.version, dev.storageSize, dev.protect, dev.resources.limits.memory],
      ["2.12.0", "1Gi", false, "512Mi"],
    );
    assert.deepEqual([prod.storageSize, prod.protect, prod.resources.limits.memory], ["10Gi", true, "1Gi"]);
  });

  it("Kvrocks: refuses a memory limit below 256Mi and a bad version, naming the key", () => {
    const small = settingsErrorOf(() =>
      settingsFor("dev", {
        app: { storage: "kvrocks" },
        kvrocks: { resources: { requests: { memory: "64Mi" }, limits: { memory: "128Mi" } } },
      }),
    );
    assert.equal(small.key, "moontv:kvrocks.resources.limits.memory");
    assert.match(small.message, /got "128Mi"; allowed: at least 256Mi/);
    const version = settingsErrorOf(() => settingsFor("dev", { kvrocks: { version: "latest" } }));
    assert.equal(version.key, "moontv:kvrocks.version");
    assert.equal(settingsErrorOf(() => settingsFor("dev", { kvrocks: { sizeGb: 3 } })).key, "moontv:kvrocks.sizeGb");
  });

  it("monitoring needs a store this program deploys: Redis or Kvrocks", () => {
    assert.equal(settingsFor("prod", { app: { storage: "kvrocks" } }).monitoring.enabled, true);
    const err = settingsErrorOf(() =>
      settingsFor(
        "prod",
        { app: { storage: "upstash", upstash: { url: "https://u.example", token: "t0ken" } } },
        { secretKeys: ["app"] },
      ),
    );
    assert.equal(err.key, "moontv:monitoring.enabled");
    assert.match(err.message, /redis or kvrocks/);
  });
});

describe("settings: the namespace's annotations", () => {
  const nodeSelector = { "scheduler.alpha.kubernetes.io/node-selector": "moontv.dev/node=real" };

  it("takes a mapping of annotation to string, and none by default", () => {
    assert.deepEqual(
      settingsFor("dev", { kubernetes: { namespaceAnnotations: nodeSelector } }).kubernetes.namespaceAnnotations,
      nodeSelector,
    );
    assert.equal(settingsFor("dev", {}).kubernetes.namespaceAnnotations, undefined);
  });

  it("refuses a value that is not a string, naming the key", () => {
    const err = settingsErrorOf(() =>
      settingsFor("dev", { kubernetes: { namespaceAnnotations: { "example.com/on": ["yes"] } } }),
    );
    assert.match(err.key, /^moontv:kubernetes\.namespaceAnnotations/);
    assert.match(err.message, /string annotation values/);
  });
});
