// How the e2e suite tells cached build steps from executed ones in BuildKit's plain progress output (lines
// as the real buildkitd printed them through docker-build, shortened).
import { strict as assert } from "assert";
import { buildSteps } from "./support/build-log";

const P = "~  docker-build:index:Image moontv-image-amd64 updating (3s) [diff: ~contextHash]; ";
const SHA = "a6416600459d73c8af692b52b336e5101d97d4f7b66610754db57b468e3e9233";

const log = [
  "#8 [system-base 1/3] FROM 127.0.0.1:5000/moontv-standin/node:24-trixie-slim@sha256:" + SHA,
  "#8 DONE 0.1s",
  "#11 [internal] load build context",
  "#12 [system-base 2/3] RUN apt-get update",
  "#12 CACHED",
  // A registry-cache hit whose layers the next step needs: pulled and unpacked, nothing run.
  `#15 [deps 3/3] RUN --mount=type=cache,id=moontv-pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile`,
  `#15 sha256:${SHA} 91.27MB / 91.27MB 0.4s done`,
  `#15 extracting sha256:${SHA} 8.8s done`,
  "#15 DONE 12.8s",
  // Executed: the process printed its output.
  "#18 [builder 3/4] RUN pnpm build",
  "#18 0.512 > next build",
  "#18 DONE 80.9s",
  // Executed without output (a copy): not from cache either.
  "#20 [runner 3/8] COPY --from=builder /app/.next/standalone ./",
  "#20 DONE 0.9s",
].map((l) => P + l);

describe("e2e build-log parsing (buildSteps)", () => {
  it("lists every step but FROM and internal ones", () => {
    assert.deepEqual(
      buildSteps(log.join("\n")).steps.map((s) => s.split("]")[0] + "]"),
      ["[system-base 2/3]", "[deps 3/3]", "[builder 3/4]", "[runner 3/8]"],
    );
  });

  it("counts CACHED steps and registry-cache pulls as from cache, never a step that ran", () => {
    const { cached } = buildSteps(log.join("\n"));
    assert.deepEqual(
      cached.map((s) => s.split("]")[0] + "]"),
      ["[system-base 2/3]", "[deps 3/3]"],
    );
  });

  it("a step that pulled a base layer and then ran is not from cache", () => {
    const ran = [...log, P + "#15 1.204 Lockfile is up to date, resolution step is skipped"].join("\n");
    assert.ok(!buildSteps(ran).cached.some((s) => s.startsWith("[deps 3/3]")));
  });
});
