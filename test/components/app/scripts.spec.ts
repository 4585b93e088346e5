import { strict as assert } from "assert";
import { copyPublicScript } from "../../../components/app";

describe("app init-container scripts (components/app/scripts.ts)", () => {
  it("the seed script really copies a tree", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
    fs.mkdirSync(path.join(dir, "src", "icons"), { recursive: true });
    fs.writeFileSync(path.join(dir, "src", "icons", "a.png"), "png");
    const script = copyPublicScript(path.join(dir, "dst")).replace(
      '"/app/public"',
      JSON.stringify(path.join(dir, "src")),
    );
    new Function("require", script)(require);
    assert.equal(fs.readFileSync(path.join(dir, "dst", "icons", "a.png"), "utf8"), "png");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
