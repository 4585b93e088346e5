import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { settingsSchema } from "../../stacks/settings";
import { PROJECT_DIR } from "../../tools/synth/input";
import { listStacks } from "../../tools/synth/run";
import { validateKubernetesObject } from "../support/kubernetes-models";

/**
 * No Pulumi CLI runs here, so this spec holds the project and stack files to the rules the CLI enforces
 * (pulumi/pulumi sdk/go/common/workspace/project.json and config.go).
 */
const read = (f: string) => parseYaml(fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"));
const project = read("Pulumi.yaml");
const DECLARABLE = ["string", "integer", "boolean", "array"];
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

describe("Pulumi.yaml", () => {
  it("is project moontv on the nodejs runtime with TypeScript", () => {
    assert.equal(project.name, "moontv");
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
  });

  it("declares only types the CLI allows, each with a description and a default of that type", () => {
    for (const [key, decl] of Object.entries<Record<string, unknown>>(project.config)) {
      if (key.includes(":") && !key.startsWith(`${project.name}:`)) {
        assert.deepEqual(Object.keys(decl), ["value"], `${key}: keys of another namespace may only carry a value`);
        continue;
      }
      assert.ok(DECLARABLE.includes(decl.type as string), `${key}: type ${decl.type} cannot be declared`);
      assert.equal(typeof decl.description, "string", `${key}: description`);
      assert.ok("default" in decl, `${key}: default`);
      const jsType = { string: "string", integer: "number", boolean: "boolean", array: "object" }[decl.type as string];
      assert.equal(typeof decl.default, jsType, `${key}: default of type ${decl.type}`);
      if (decl.type === "array") assert.ok(decl.items, `${key}: arrays need items`);
      assert.ok(!decl.secret || typeof decl.default !== "string", `${key}: a secret cannot have a plain default`);
    }
  });

  it("declares every scalar setting of the schema, and nothing the schema does not know", () => {
    const scalar = Object.entries(settingsSchema.shape)
      .filter(([, s]) => s.def.type !== "object" && s.def.type !== "record")
      .map(([k]) => k)
      .sort();
    assert.deepEqual(Object.keys(project.config).sort(), scalar);
  });
});

for (const stack of listStacks()) {
  describe(`Pulumi.${stack}.yaml`, () => {
    const doc = read(`Pulumi.${stack}.yaml`);

    it("holds only the keys a stack file may hold", () => {
      for (const key of Object.keys(doc)) assert.ok(STACK_FILE_KEYS.includes(key), `unexpected top-level key ${key}`);
    });

    it("names every config key <namespace>:<name>, with moontv keys the schema knows", () => {
      for (const key of Object.keys(doc.config)) {
        assert.match(key, /^[A-Za-z][\w-]*:[A-Za-z][\w.-]*$/, key);
        if (key.startsWith("moontv:")) assert.ok(key.slice(7) in settingsSchema.shape, `${key} is not a setting`);
      }
    });

    it("stores any secret setting encrypted (secure:)", () => {
      const walk = (v: unknown, p: string): void => {
        if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
        else if (/password|token|kubeconfig/i.test(p) && !p.endsWith(".secure"))
          assert.fail(`${p} must be stored with --secret`);
      };
      walk(doc.config, "config");
    });
  });
}

describe("the schema validator used by the specs", () => {
  it("rejects an object that breaks the Kubernetes schema (so passing means something)", () => {
    assert.throws(
      () =>
        validateKubernetesObject({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "x" },
          spec: { replicas: "two", selector: {}, template: {} },
        } as never),
      /Deployment\/x is invalid/,
    );
  });
});
