import { strict as assert } from "assert";
import { buildAppService } from "../../../components/app";

describe("app Service (components/app/service.ts)", () => {
  it("exposes Service moontv on 3000", () => {
    const svc = buildAppService("ns", "dev") as {
      metadata: { name: string };
      spec: { ports: Array<{ port: number }> };
    };
    assert.equal(svc.metadata.name, "moontv");
    assert.equal(svc.spec.ports[0].port, 3000);
  });
});
