import { strict as assert } from "assert";
import { buildxArgs, buildxCacheFlags, vertexTimings } from "../../bench/buildkit-column";

describe("bench:image's BuildKit column", () => {
  it("builds with StagedImage's registry cache: own and main's cache read, both written with mode max", () => {
    assert.deepEqual(buildxCacheFlags("127.0.0.2:5000/bench/moontv"), [
      "--cache-from",
      "type=registry,ref=127.0.0.2:5000/bench/moontv:cache-amd64",
      "--cache-from",
      "type=registry,ref=127.0.0.2:5000/bench/moontv:cache-amd64-main",
      "--cache-to",
      "type=registry,ref=127.0.0.2:5000/bench/moontv:cache-amd64,mode=max,image-manifest=true,oci-mediatypes=true",
      "--cache-to",
      "type=registry,ref=127.0.0.2:5000/bench/moontv:cache-amd64-main,mode=max,image-manifest=true,oci-mediatypes=true",
    ]);
  });

  it("pushes one linux/amd64 build of the target with the build args, the context last; the baseline has no cache", () => {
    const args = buildxArgs({
      builder: "b",
      contextDir: "/ctx",
      dockerfile: "/D",
      tag: "r:t",
      buildArgs: { A: "1" },
      target: "runner",
    });
    assert.deepEqual(args, [
      "build",
      "--builder",
      "b",
      "--progress",
      "plain",
      "--platform",
      "linux/amd64",
      "--push",
      "-f",
      "/D",
      "-t",
      "r:t",
      "--target",
      "runner",
      "--build-arg",
      "A=1",
      "/ctx",
    ]);
  });

  it("times every vertex of the plain progress, slowest first, under its first name", () => {
    const log = [
      "#7 [deps 3/3] RUN pnpm install --frozen-lockfile",
      "#7 0.512 Progress: resolved 1",
      "#7 DONE 21.5s",
      "#9 [builder 4/5] RUN pnpm build",
      "#9 DONE 40.0s",
      "#12 exporting cache to registry",
      "#12 sha256:0123 1MB / 2MB",
      "#12 DONE 3.2s",
      "#13 [runner 2/6] COPY --from=builder /app/public ./public",
      "#13 CACHED",
    ].join("\n");
    assert.deepEqual(vertexTimings(log), [
      { name: "[builder 4/5] RUN pnpm build", seconds: 40 },
      { name: "[deps 3/3] RUN pnpm install --frozen-lockfile", seconds: 21.5 },
      { name: "exporting cache to registry", seconds: 3.2 },
    ]);
  });
});
