import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseSettings, readRawStackConfig } from "../../stacks/settings";
import { commitNumberProblem, numberAsText } from "../../stacks/settings/yaml-numbers";
import { mockConfigFromFiles } from "../../tools/synth/stack-config";
import { DIGEST_REF, settingsErrorOf, settingsFor } from "../support/settings";

const build = {
  repository: "localhost:5001/moontv",
  context: { location: "https://github.com/MoonTechLab/LunaTV.git" },
};

/**
 * Runs config through the path the engine uses: `moontv:<key>` → JSON text (numbers stay numbers) →
 * readRawStackConfig → parseSettings. The runtime's config is restored afterwards.
 */
function viaEngine(config: Record<string, string>, stack = "dev") {
  const saved = pulumi.runtime.allConfig();
  pulumi.runtime.setAllConfig(config, []);
  try {
    return parseSettings(readRawStackConfig(`Pulumi.${stack}.yaml`), {
      stack,
      stackFile: `Pulumi.${stack}.yaml`,
      readFile: () => undefined,
    });
  } finally {
    pulumi.runtime.setAllConfig(saved, []);
  }
}

describe("settings: YAML numbers where text is expected", () => {
  it('`pulumi config set --path moontv:app.resources.limits.cpu 1` (stored as the number 1) is the CPU quantity "1"', () => {
    const s = viaEngine({
      "moontv:image": JSON.stringify({ ref: DIGEST_REF }),
      "moontv:app": JSON.stringify({ resources: { limits: { cpu: 1 }, requests: { cpu: 0.25 } } }),
    });
    assert.equal(s.app.resources.limits.cpu, "1");
    assert.equal(s.app.resources.requests.cpu, "0.25");
  });

  it("a stack file with unquoted numbers, read as the offline preview reads it, gives the same text", () => {
    const stackYaml = [
      "config:",
      "  moontv:image:",
      "    repository: localhost:5001/moontv",
      "    context: { location: https://github.com/MoonTechLab/LunaTV.git, gitRef: 2024 }",
      "    nodeVersion: 24",
      "    version: 1.2",
      "    gitSha: 1234567",
      "  moontv:redis:",
      "    version: 8",
      "    storageSize: 2147483648",
      "",
    ].join("\n");
    const { config } = mockConfigFromFiles("name: moontv\nruntime: nodejs\n", stackYaml, "Pulumi.dev.yaml");
    assert.match(config["moontv:redis"], /"version":8\b/, "the engine hands a number, not text");
    const s = viaEngine(config);
    assert.equal(s.image.build!.nodeVersion, "24");
    assert.equal(s.image.build!.version, "1.2");
    assert.equal(s.image.build!.gitSha, "1234567");
    assert.deepEqual(s.image.build!.context, {
      kind: "git",
      url: "https://github.com/MoonTechLab/LunaTV.git",
      gitRef: "2024",
      subdirectory: undefined,
    });
    assert.equal(s.redis.version, "8");
    assert.equal(s.redis.storageSize, "2147483648");
  });

  const accepted: Array<[string, Record<string, unknown>, (s: ReturnType<typeof settingsFor>) => unknown, unknown]> = [
    [
      "memory in bytes",
      { app: { resources: { limits: { memory: 805306368 } } } },
      (s) => s.app.resources.limits.memory,
      "805306368",
    ],
    ["Redis maxmemory in bytes", { redis: { maxmemory: 100000000 } }, (s) => s.redis.maxmemory, "100000000"],
    ["a Redis version 7.4", { redis: { version: 7.4 } }, (s) => s.redis.version, "7.4"],
    ["Node 24.19", { image: { ...build, nodeVersion: 24.19 } }, (s) => s.image.build?.nodeVersion, "24.19"],
    ["an image tag 2", { image: { ...build, version: 2 } }, (s) => s.image.build?.version, "2"],
    [
      "a 12-digit commit id",
      { image: { ...build, gitSha: 123456789012 } },
      (s) => s.image.build?.gitSha,
      "123456789012",
    ],
    [
      "Prometheus storage in bytes",
      { monitoring: { storageSize: 10737418240 } },
      (s) => s.monitoring.storageSize,
      "10737418240",
    ],
    [
      "annotation values 600 and false",
      {
        ingress: {
          enabled: true,
          host: "tv.example.com",
          annotations: {
            "nginx.ingress.kubernetes.io/proxy-read-timeout": 600,
            "nginx.ingress.kubernetes.io/ssl-redirect": false,
          },
        },
      },
      (s) => s.ingress.annotations,
      { "nginx.ingress.kubernetes.io/proxy-read-timeout": "600", "nginx.ingress.kubernetes.io/ssl-redirect": "false" },
    ],
  ];
  for (const [title, values, pick, expected] of accepted) {
    it(`accepts ${title}`, () => assert.deepEqual(pick(settingsFor("dev", values)), expected));
  }

  const refused: Array<[string, Record<string, unknown>, string, RegExp]> = [
    // YAML 1.2 reads `gitSha: 0123456` as 123456; Go's yaml.v3 (the CLI) reads it as octal, 42798.
    [
      "a commit id whose leading zero YAML dropped",
      { gitSha: 123456 },
      "moontv:image.gitSha",
      /got 123456; allowed: YAML read the commit id as the number 123456 and dropped its leading zeros: quote it/,
    ],
    [
      "a commit id YAML read as octal",
      { gitSha: 42798 },
      "moontv:image.gitSha",
      /dropped its leading zeros: quote it in the stack file \(gitSha: "0123456"\)/,
    ],
    // `gitSha: 1e10` is a YAML float; the engine hands it on as 10000000000.
    [
      "a commit id YAML read as a float with an exponent",
      { gitSha: 1e10 },
      "moontv:image.gitSha",
      /exponent .*quote it/,
    ],
    [
      "a commit id with more digits than a number keeps",
      { gitSha: JSON.parse("12345678901234567890") },
      "moontv:image.gitSha",
      /lost its digits.*quote it/,
    ],
    ["a fractional commit id", { gitSha: 1234567.5 }, "moontv:image.gitSha", /lost its digits/],
    [
      "a tag too large to keep its digits",
      { version: 1e21 },
      "moontv:image.version",
      /too large to keep its digits: quote it/,
    ],
    [
      "Node 20 (end of life) given as a number",
      { nodeVersion: 20 },
      "moontv:image.nodeVersion",
      /got 20; allowed: a version of a supported Node\.js LTS line .*: Node\.js 20 reached end of life on 2026-04-30/,
    ],
    [
      "a pnpm version that YAML read as a number",
      { pnpmVersion: 10.14 },
      "moontv:image.pnpmVersion",
      /got 10\.14; allowed: an exact pnpm version/,
    ],
  ];
  for (const [title, image, key, message] of refused) {
    it(`refuses ${title}`, () => {
      const err = settingsErrorOf(() => settingsFor("dev", { image: { ...build, ...image } }));
      assert.equal(err.key, key);
      assert.match(err.message, message);
    });
  }

  it("keeps refusing numbers that are no quantity, and booleans where text is expected", () => {
    for (const [values, key, message] of [
      [
        { app: { resources: { limits: { cpu: 0 } } } },
        "moontv:app.resources.limits.cpu",
        /got 0; allowed: a CPU quantity/,
      ],
      [
        { app: { resources: { limits: { cpu: -1 } } } },
        "moontv:app.resources.limits.cpu",
        /got -1; allowed: a CPU quantity/,
      ],
      [
        { app: { resources: { limits: { cpu: true } } } },
        "moontv:app.resources.limits.cpu",
        /got true; allowed: a CPU quantity/,
      ],
      [
        { redis: { storageSize: 1024 } },
        "moontv:redis.storageSize",
        /got 1024; allowed: a storage quantity of at least 1Mi/,
      ],
      [{ monitoring: { retentionSize: 8 } }, "moontv:monitoring.retentionSize", /got 8; allowed: a Prometheus size/],
    ] as const) {
      const err = settingsErrorOf(() => settingsFor("dev", values as Record<string, unknown>));
      assert.equal(err.key, key);
      assert.match(err.message, message);
    }
  });

  it("numberAsText gives back the digits written, and nothing once they are lost", () => {
    assert.equal(numberAsText(1), "1");
    assert.equal(numberAsText(0.1), "0.1");
    assert.equal(numberAsText(7.4), "7.4");
    assert.equal(numberAsText(2 ** 53 - 1), "9007199254740991");
    assert.equal(numberAsText(2 ** 53), undefined);
    assert.equal(numberAsText(Number.NaN), undefined);
    assert.equal(commitNumberProblem(1234567), undefined);
    assert.match(commitNumberProblem(1234500)!, /exponent/);
  });
});
