import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { readMoonTvStack, StackContractError } from "../../stacks/reader";
import type { MoonTvStackOutputs } from "../../stacks/outputs";

/** What `pulumi stack output --json --show-secrets` of a prod MoonTV stack looks like. */
const PROD_OUTPUTS: MoonTvStackOutputs = {
  namespace: "moontv",
  appServiceName: "moontv",
  appServiceHost: "moontv.moontv.svc.cluster.local",
  appPort: 3000,
  appUrl: "http://moontv.moontv.svc.cluster.local:3000",
  imageRef: `registry.example.com/moontv@sha256:${"d".repeat(64)}`,
  storageType: "redis",
  redisHost: "redis",
  redisPort: 6379,
  redisUrl: "redis://:s3cret-value@redis:6379",
  prometheusUrl: "http://prometheus.moontv.svc.cluster.local:9090",
  serviceNames: ["moontv", "redis", "prometheus"],
};

let stackOutputs: Record<string, unknown> = {};
const created: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];

/** Resolves an Output, or rejects with the error its apply raised. */
function value<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}

describe("stacks/reader: typed outputs through a (mocked) StackReference", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push({ type: args.type, name: args.name, inputs: args.inputs });
          if (args.type === "pulumi:pulumi:StackReference") {
            // The referenced stack did not mark redisUrl secret: the reader must still keep it secret.
            return {
              id: args.inputs.name,
              state: { name: args.inputs.name, outputs: stackOutputs, secretOutputNames: [] },
            };
          }
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "consumer",
      "test",
    );
  });
  beforeEach(() => {
    stackOutputs = { ...PROD_OUTPUTS };
    created.length = 0;
  });

  it("returns each output typed and keeps the Redis URL secret", async () => {
    const ref = readMoonTvStack(new pulumi.StackReference("acme/moontv/prod"));
    assert.equal(await value(ref.appUrl), PROD_OUTPUTS.appUrl);
    assert.equal(await value(ref.appPort), 3000);
    assert.deepEqual(await value(ref.serviceNames), ["moontv", "redis", "prometheus"]);
    assert.equal(await value(ref.grafanaUrl), undefined);
    assert.equal(await pulumi.isSecret(ref.redisUrl), true);
    assert.equal(await pulumi.isSecret(ref.appUrl), false);
  });

  it("reads a Kvrocks stack's store outputs, the Kvrocks URL kept secret", async () => {
    stackOutputs = {
      ...PROD_OUTPUTS,
      storageType: "kvrocks",
      redisHost: undefined,
      redisPort: undefined,
      redisUrl: undefined,
      kvrocksHost: "kvrocks",
      kvrocksPort: 6666,
      kvrocksUrl: "redis://:s3cret-value@kvrocks:6666",
    };
    const ref = readMoonTvStack(new pulumi.StackReference("acme/moontv/luna"));
    assert.equal(await value(ref.kvrocksPort), 6666);
    assert.equal(await value(ref.redisUrl), undefined);
    assert.equal(await value(ref.kvrocksUrl), "redis://:s3cret-value@kvrocks:6666");
    assert.equal(await pulumi.isSecret(ref.kvrocksUrl), true);
  });

  it("names the stack and the key when a required output is missing", async () => {
    delete stackOutputs.appPort;
    const ref = readMoonTvStack(new pulumi.StackReference("acme/moontv/old"));
    await assert.rejects(
      value(ref.appPort),
      (e: Error) =>
        e instanceof StackContractError && /stack acme\/moontv\/old has no output "appPort"/.test(e.message),
    );
  });

  it("refuses a value of the wrong type", async () => {
    stackOutputs.appPort = "3000";
    const ref = readMoonTvStack(new pulumi.StackReference("acme/moontv/prod"));
    await assert.rejects(value(ref.appPort), /output "appPort" is "3000"; expected a number/);
  });

  it("the example consumer program publishes the URL and never the secret", async () => {
    pulumi.runtime.setConfig("consumer:moontvStack", "acme/moontv/prod");
    const entry = require.resolve(path.join(__dirname, "../../examples/consumer/index.ts"));
    delete require.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(entry) as Record<string, pulumi.Output<unknown>>;
    assert.equal(await value(program.moontvUrl), PROD_OUTPUTS.appUrl);
    assert.equal(await pulumi.isSecret(program.moontvRedisUrl), true);
    await value(program.linksConfigMap);
    const cm = created.find((c) => c.type === "kubernetes:core/v1:ConfigMap")!;
    assert.deepEqual(cm.inputs.data, {
      MOONTV_URL: PROD_OUTPUTS.appUrl,
      MOONTV_NAMESPACE: "moontv",
      PROMETHEUS_URL: PROD_OUTPUTS.prometheusUrl,
    });
    assert.ok(!JSON.stringify(cm.inputs).includes("s3cret-value"));
  });
});
