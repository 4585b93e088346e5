// The size-budget provider as the dynamic-provider host runs it: serialised by Pulumi's closure
// serialiser, loaded back from text, then pointed at a real docker-registry on 127.0.0.1.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { sizeBudgetProvider } from "../../../components/image";
import {
  buildMultiPlatformLayout,
  layoutImageSize,
  pushOci,
  requireTool,
  RunningRegistry,
  startRegistry,
} from "../../support/registry-fixture";
import { serializedProvider } from "../../support/dynamic-provider";

describe("ImageSizeBudget provider against docker-registry (integration)", function () {
  this.timeout(120_000);
  const creds = { username: "ci", password: "budget-secret" };
  let work: string;
  let layout: string;
  let reg: RunningRegistry;
  let provider: pulumi.dynamic.ResourceProvider;
  let ref: string;

  before(async () => {
    requireTool("registry");
    requireTool("skopeo");
    requireTool("umoci");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-budget-"));
    layout = path.join(work, "layout");
    buildMultiPlatformLayout(layout, {
      amd64: { "a.txt": "a\n" },
      arm64: { "noise.bin": randomBytes(60_000).toString("base64") },
    });
    reg = await startRegistry(creds);
    pushOci(layout, "multi", `${reg.host}/moontv/app:1.0.0`, creds);
    const digest = (await (
      await fetch(`http://${reg.host}/v2/moontv/app/manifests/1.0.0`, {
        method: "HEAD",
        headers: {
          Accept: "application/vnd.oci.image.index.v1+json",
          Authorization: "Basic " + Buffer.from(`${creds.username}:${creds.password}`).toString("base64"),
        },
      })
    ).headers.get("docker-content-digest")) as string;
    ref = `${reg.host}/moontv/app@${digest}`;
    provider = (await serializedProvider(sizeBudgetProvider)).loaded;
  });
  after(async () => {
    if (reg) await reg.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const inputs = (budget: number | undefined, password = creds.password) => ({
    kind: "moontv:image:SizeBudgetCheck",
    imageRef: ref,
    sizeBudgetMiB: budget,
    registryUsername: creds.username,
    registryPassword: password,
  });

  it("create records every platform's compressed size, without the credentials", async () => {
    const res = await provider.create!(inputs(200));
    assert.equal(res.id, ref);
    assert.deepEqual(res.outs, {
      kind: "moontv:image:SizeBudgetCheck",
      imageRef: ref,
      sizeBudgetMiB: 200,
      sizes: { "linux/amd64": layoutImageSize(layout, "amd64"), "linux/arm64": layoutImageSize(layout, "arm64") },
    });
    assert.ok(!JSON.stringify(res.outs).includes(creds.password));
  });

  it("an image over budget fails, naming image, platform, size and budget", async () => {
    // 0.05 MiB = 52 KiB: the arm64 layer (80 000 base64 characters) is over it, amd64 is not.
    const arm = (layoutImageSize(layout, "arm64") / 1048576).toFixed(1);
    await assert.rejects(provider.create!(inputs(0.05)), (e: Error) => {
      assert.equal(
        e.message,
        `image ${ref} is over its size budget: platform linux/arm64 is ${arm} MiB compressed, over the size budget of 0.05 MiB (image.sizeBudgetMiB)`,
      );
      return true;
    });
  });

  it("update re-measures; diff asks for it only when the ref or the budget changes", async () => {
    const olds = (await provider.create!(inputs(200))).outs;
    assert.equal((await provider.diff!(ref, olds, inputs(200))).changes, false);
    assert.equal((await provider.diff!(ref, olds, inputs(0.05))).changes, true);
    await assert.rejects(
      provider.update!(ref, olds, inputs(0.05)),
      /platform linux\/arm64 is .* over the size budget of 0.05 MiB/,
    );
  });

  it("registry errors reach the update as RegistryError messages, without the password", async () => {
    await assert.rejects(provider.create!(inputs(200, "wrong-password")), (e: Error) => {
      assert.equal(e.name, "RegistryError");
      assert.match(e.message, /refused for the credentials of user "ci" \(HTTP 401/);
      assert.ok(!e.message.includes("wrong-password"));
      return true;
    });
  });
});
