import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerfileParser, Flag, Instruction, JSONInstruction } from "dockerfile-ast";

/** RUN and COPY carry flags (--mount, --from); the base Instruction type does not declare them. */
const flags = (i: Instruction): Flag[] => (i as unknown as { getFlags(): Flag[] }).getFlags();
import { validate } from "dockerfile-utils";
import {
  DOCKERFILE_STAGES,
  DOCKERIGNORE_PATH,
  dockerfileBuildArgs,
  readDockerfile,
} from "../../../components/image/dockerfile";
import { IMAGE_TARGETS } from "../../../lib/image-targets";
import { defaultBaseImages, IMAGE_BUILD_DEFAULTS } from "../../../stacks/settings/defaults";

const text = readDockerfile();
const dockerfile = DockerfileParser.parse(text);

interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

function stages(): Stage[] {
  const out: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === "FROM") {
      const f = dockerfile.getFROMs().find((x) => x.getRange().start.line === i.getRange().start.line);
      out.push({ name: f?.getBuildStage() ?? "", from: f?.getImage() ?? "", instructions: [] });
    } else if (out.length > 0) {
      out[out.length - 1].instructions.push(i);
    }
  }
  return out;
}

function stage(name: string): Stage {
  const s = stages().find((x) => x.name === name);
  assert.ok(s, `stage ${name} missing`);
  return s;
}

const of = (s: Stage, keyword: string) => s.instructions.filter((i) => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArgumentsContent()?.replace(/\\\n/g, " ") ?? "";
const jsonArgs = (i: Instruction) => (i as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());
const copySources = (s: Stage) =>
  of(s, "COPY").map((c) => {
    const a = c.getArguments().map((x) => x.getValue());
    return a.slice(0, -1);
  });

function healthcheckTest(i: Instruction): string[] {
  const m = /CMD\s+(\[[\s\S]*\])\s*$/.exec(args(i));
  assert.ok(m, `HEALTHCHECK must be in exec form (CMD [...]), got: ${args(i)}`);
  return JSON.parse(m[1]);
}

function globalArgDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of dockerfile.getInitialARGs()) {
    const p = a.getProperty();
    if (p) out[p.getName()] = p.getValue() ?? "";
  }
  return out;
}

describe("components/image/Dockerfile", () => {
  it("starts with the dockerfile:1 syntax directive (BuildKit mounts)", () => {
    assert.equal(dockerfile.getDirective()?.getName(), "syntax");
    assert.equal(dockerfile.getDirective()?.getValue(), "docker/dockerfile:1");
  });

  it("has the named stages system-base → deps → builder → runner, plus debug, runner last", () => {
    const names = stages().map((s) => s.name);
    assert.deepEqual(names, [...DOCKERFILE_STAGES]);
    for (const target of IMAGE_TARGETS) assert.ok(names.includes(target), `target ${target} is no stage`);
    const idx = (n: string) => (names as string[]).indexOf(n);
    assert.ok(idx("system-base") < idx("deps") && idx("deps") < idx("builder") && idx("builder") < idx("runner"));
    assert.equal(names[names.length - 1], "runner", "runner must be the default target");
  });

  it("takes each FROM from a build arg (bases) or from an earlier stage", () => {
    const globals = globalArgDefaults();
    const seen: string[] = [];
    for (const s of stages()) {
      const m = /^\$\{?([A-Z_]+)\}?$/.exec(s.from);
      assert.ok(
        m ? m[1] in globals : seen.includes(s.from),
        `stage ${s.name}: FROM ${s.from} is neither a global ARG nor an earlier stage`,
      );
      seen.push(s.name);
    }
    assert.equal(stage("system-base").from, "${BUILD_BASE_IMAGE}");
    assert.equal(stage("runner").from, "${RUNTIME_BASE_IMAGE}");
    assert.deepEqual(
      [stage("deps").from, stage("builder").from, stage("debug").from],
      ["system-base", "deps", "system-base"],
    );
  });

  it("defaults to a glibc build base matching the distroless Debian 13 runtime, as the settings do", () => {
    const g = globalArgDefaults();
    const resolve = (v: string) => v.replace(/\$\{NODE_VERSION\}/g, g.NODE_VERSION);
    const bases = defaultBaseImages(IMAGE_BUILD_DEFAULTS.nodeVersion);
    assert.equal(g.NODE_VERSION, IMAGE_BUILD_DEFAULTS.nodeVersion);
    assert.equal(resolve(g.BUILD_BASE_IMAGE), bases.build);
    assert.equal(resolve(g.RUNTIME_BASE_IMAGE), bases.runtime);
    assert.equal(bases.build, "node:24-trixie-slim"); // Debian 13, not Alpine/musl
    assert.equal(bases.runtime, "gcr.io/distroless/nodejs24-debian13");
  });

  it("declares every build arg that dockerfileBuildArgs can produce", () => {
    const declared = new Set(
      dockerfile
        .getInstructions()
        .filter((i) => i.getKeyword() === "ARG")
        .map((i) => args(i).split("=")[0]),
    );
    const all = dockerfileBuildArgs({
      nodeVersion: "24",
      pnpmVersion: "10.14.0",
      buildBaseImage: "node:24-trixie-slim",
      runtimeBaseImage: "gcr.io/distroless/nodejs24-debian13",
      sourceUrl: "https://github.com/MoonTechLab/LunaTV",
      revision: "0123abc",
      created: "2025-01-31T12:00:00Z",
      version: "1.2.3",
    });
    for (const k of Object.keys(all)) assert.ok(declared.has(k), `build arg ${k} is not declared by an ARG`);
  });

  it("system-base: no application files, CA certificates and tzdata, corepack-enabled pnpm, pnpm version arg", () => {
    const s = stage("system-base");
    assert.equal(of(s, "COPY").length + of(s, "ADD").length, 0, "system-base must not copy application files");
    const runs = of(s, "RUN").map(args).join("\n");
    assert.match(runs, /apt-get install[^\n]*\bca-certificates\b/);
    assert.match(runs, /apt-get install[^\n]*\btzdata\b/);
    assert.match(runs, /corepack enable pnpm/);
    assert.ok(of(s, "ARG").some((a) => args(a).startsWith("PNPM_VERSION")));
  });

  it("deps: copies only the dependency manifests, then installs frozen with a cache mount on the pnpm store", () => {
    const s = stage("deps");
    assert.deepEqual(copySources(s), [["package.json", "pnpm-lock.yaml", ".npmr[c]"]]);
    const install = of(s, "RUN").find((r) => /\binstall\b/.test(args(r)));
    assert.ok(install, "deps must run the install");
    assert.match(args(install), /--frozen-lockfile/);
    const mount = flags(install).find((f) => f.getName() === "mount");
    assert.ok(mount, "the install needs RUN --mount=type=cache");
    const opts = Object.fromEntries((mount.getValue() ?? "").split(",").map((kv: string) => kv.split("=")));
    assert.equal(opts.type, "cache");
    assert.match(
      args(install),
      new RegExp(`--store-dir ${opts.target}(\\s|$)`),
      "the pnpm store must be the cache mount",
    );
    const copyLine = of(s, "COPY")[0].getRange().start.line;
    assert.ok(copyLine < install.getRange().start.line);
  });

  it("builder: sources only after the install, DOCKER_ENV=true, pnpm build with the Next cache outside the layers", () => {
    const s = stage("builder");
    assert.deepEqual(copySources(s), [["."]]);
    const env = of(s, "ENV").flatMap((e) => args(e).split(/\s+/));
    assert.ok(env.includes("DOCKER_ENV=true"));
    const build = of(s, "RUN").find((r) => /pnpm\S* build/.test(args(r)));
    assert.ok(build, "builder must run pnpm build");
    const mount = flags(build).find((f) => f.getName() === "mount");
    assert.match(mount?.getValue() ?? "", /type=cache.*target=\/app\/\.next\/cache/);
  });

  const FILES = [
    "/app/.next/standalone",
    "/app/.next/static",
    "/app/.next/runtime-cache",
    "/app/public",
    "/app/scripts",
    "/app/start.js",
    "/app/config.jso[n]",
  ];
  it("runner and debug share the contract ENTRYPOINT node + CMD start.js (init containers pass only args)", () => {
    const last = (name: string, kw: string) => of(stage(name), kw).pop();
    for (const name of ["runner", "debug"]) {
      assert.match(args(last(name, "ENTRYPOINT")!), /^\["(\/nodejs\/bin\/)?node"\]$/, `${name} ENTRYPOINT`);
      assert.equal(args(last(name, "CMD")!), '["start.js"]', `${name} CMD`);
    }
  });

  for (const name of ["runner", "debug"]) {
    it(`${name}: only the standalone output, static files, public/, scripts/, start.js and optional config.json`, () => {
      const s = stage(name);
      for (const c of of(s, "COPY"))
        assert.equal(
          flags(c)
            .find((f) => f.getName() === "from")
            ?.getValue(),
          "builder",
        );
      assert.deepEqual(copySources(s).flat().sort(), [...FILES].sort());
    });

    it(`${name}: numeric non-root USER and an exec-form HEALTHCHECK on /login`, () => {
      const s = stage(name);
      const users = of(s, "USER").map(args);
      assert.equal(users.length, 1);
      const m = /^(\d+):(\d+)$/.exec(users[0]);
      assert.ok(m, `USER must be numeric uid:gid, got ${users[0]}`);
      assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, "USER must not be root");
      const hc = of(s, "HEALTHCHECK");
      assert.equal(hc.length, 1);
      const test = healthcheckTest(hc[0]);
      assert.equal(test[0], name === "runner" ? "/nodejs/bin/node" : "node");
      assert.equal(test[1], "-e");
      assert.match(test[2], /127\.0\.0\.1.*\/login/);
      assert.deepEqual(of(s, "EXPOSE").map(args), ["3000"]);
    });
  }

  it("runner: distroless entrypoint kept, CMD is the script, no RUN (no shell), OCI labels from args", () => {
    const s = stage("runner");
    assert.equal(of(s, "RUN").length, 0);
    assert.deepEqual(jsonArgs(of(s, "ENTRYPOINT")[0]), ["/nodejs/bin/node"]);
    assert.deepEqual(jsonArgs(of(s, "CMD")[0]), ["start.js"]);
    const labels = Object.fromEntries(
      of(s, "LABEL").flatMap((l) =>
        (l as unknown as { getProperties(): Array<{ getName(): string; getValue(): string }> })
          .getProperties()
          .map((p) => [p.getName(), p.getValue()]),
      ),
    );
    for (const [k, arg] of [
      ["source", "SOURCE_URL"],
      ["revision", "REVISION"],
      ["created", "CREATED"],
      ["version", "VERSION"],
    ]) {
      assert.equal(labels[`org.opencontainers.image.${k}`], `\${${arg}}`);
      assert.ok(
        of(s, "ARG").some((a) => args(a).split("=")[0] === arg),
        `runner must declare ARG ${arg}`,
      );
    }
  });

  it("names no secret-like ARG or ENV", () => {
    const secretish = /PASS(WORD|WD)?|TOKEN|SECRET|KEY|CREDENTIAL|AUTH|PRIVATE/i;
    const names = dockerfile.getInstructions().flatMap((i) => {
      if (i.getKeyword() === "ARG") return [args(i).split("=")[0]];
      if (i.getKeyword() === "ENV")
        return args(i)
          .split(/\s+/)
          .map((kv) => kv.split("=")[0]);
      return [];
    });
    assert.ok(names.length > 5);
    for (const n of names) assert.doesNotMatch(n, secretish, `${n} looks like a secret`);
  });

  it("passes dockerfile-utils validation with no diagnostics", () => {
    assert.deepEqual(validate(text), []);
  });

  it("ships an ignore file keeping local builds, VCS data and env files out of the context", () => {
    const lines = fs
      .readFileSync(DOCKERIGNORE_PATH, "utf8")
      .split("\n")
      .map((l) => l.trim());
    for (const p of ["**/node_modules", ".next", ".git", ".env*"]) assert.ok(lines.includes(p), `${p} missing`);
  });

  describe("the builder's source patches", () => {
    const patch = args(of(stage("builder"), "RUN").find((r) => args(r).includes("force-dynamic")) as Instruction);
    let dir: string;
    const write = (f: string, body: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), body);
    };
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    const apply = () => execFileSync("sh", ["-c", patch], { cwd: dir });
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-patch-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const dynamicRoute = (body: string) => `${body}\nexport const dynamic = 'force-dynamic';\n`;

    it("rewrites edge routes to nodejs, makes them and the layout dynamic, once (upstream MoonTV)", () => {
      write("src/app/api/search/route.ts", "export const runtime = 'edge';\nexport async function GET() {}\n");
      write("src/app/api/x/y/route.ts", 'export const runtime = "edge"\n');
      write("src/app/api/js/route.js", "export const runtime = 'edge';\n");
      write("src/app/page.tsx", "export const runtime = 'edge';\n");
      write("src/app/layout.tsx", "export default function L() {}\n");
      apply();
      apply();
      assert.equal(
        read("src/app/api/search/route.ts"),
        dynamicRoute("export const runtime = 'nodejs';\nexport async function GET() {}\n"),
      );
      assert.equal(read("src/app/api/x/y/route.ts"), dynamicRoute("export const runtime = 'nodejs';\n"));
      assert.equal(read("src/app/api/js/route.js"), dynamicRoute("export const runtime = 'nodejs';\n"));
      assert.equal(read("src/app/page.tsx"), "export const runtime = 'edge';\n", "only route handlers are rewritten");
      assert.equal(read("src/app/layout.tsx").match(/export const dynamic/g)?.length, 1);
      assert.match(read("src/app/layout.tsx"), /export const dynamic = 'force-dynamic';/);
    });

    it("keeps an edge route's own dynamic setting, and leaves routes that were never edge alone", () => {
      const own = "export const runtime = 'edge';\nexport const dynamic = 'force-static';\n";
      write("src/app/api/own/route.ts", own);
      write("src/app/api/node/route.ts", "export const runtime = 'nodejs';\nexport async function GET() {}\n");
      write("src/app/api/plain/route.ts", "export async function GET() {}\n");
      apply();
      assert.equal(read("src/app/api/own/route.ts"), own.replace("'edge'", "'nodejs'"));
      assert.equal(
        read("src/app/api/node/route.ts"),
        "export const runtime = 'nodejs';\nexport async function GET() {}\n",
      );
      assert.equal(read("src/app/api/plain/route.ts"), "export async function GET() {}\n");
    });

    it("is a no-op on LunaTV-like sources that already have both", () => {
      const layout = "export const dynamic = 'force-dynamic';\nexport default function L() {}\n";
      write("src/app/api/search/route.ts", "export const runtime = 'nodejs';\n");
      write("src/app/layout.tsx", layout);
      apply();
      assert.equal(read("src/app/layout.tsx"), layout);
      assert.equal(read("src/app/api/search/route.ts"), "export const runtime = 'nodejs';\n");
    });

    it("succeeds when there is no src/ at all", () => {
      apply();
    });
  });
});

describe("dockerfileBuildArgs", () => {
  // Values as the settings hand them on, already checked (test/stacks/image-settings.spec.ts).
  const required = {
    nodeVersion: "24",
    buildBaseImage: "node:24-trixie-slim",
    runtimeBaseImage: "gcr.io/distroless/nodejs24-debian13",
  };

  it("sets the Node version and both bases as given, pinned refs included; pnpm from packageManager unless given", () => {
    assert.deepEqual(dockerfileBuildArgs(required), {
      NODE_VERSION: "24",
      BUILD_BASE_IMAGE: "node:24-trixie-slim",
      RUNTIME_BASE_IMAGE: "gcr.io/distroless/nodejs24-debian13",
    });
    const digest = `sha256:${"a".repeat(64)}`;
    const b = dockerfileBuildArgs({
      nodeVersion: "24.22.3",
      buildBaseImage: `docker.io/library/node@${digest}`,
      runtimeBaseImage: `127.0.0.1:5000/distroless/nodejs24-debian13:latest@${digest}`,
    });
    assert.deepEqual(b, {
      NODE_VERSION: "24.22.3",
      BUILD_BASE_IMAGE: `docker.io/library/node@${digest}`,
      RUNTIME_BASE_IMAGE: `127.0.0.1:5000/distroless/nodejs24-debian13:latest@${digest}`,
    });
  });

  it("sets PNPM_VERSION and the OCI label args only when given", () => {
    const a = dockerfileBuildArgs({
      ...required,
      pnpmVersion: "10.14.0",
      sourceUrl: "https://github.com/MoonTechLab/LunaTV",
      revision: "0123abcd",
      created: "2025-01-31T12:00:00Z",
      version: "v1.2.3",
    });
    assert.equal(a.PNPM_VERSION, "10.14.0");
    assert.equal(a.SOURCE_URL, "https://github.com/MoonTechLab/LunaTV");
    assert.equal(a.REVISION, "0123abcd");
    assert.equal(a.CREATED, "2025-01-31T12:00:00Z");
    assert.equal(a.VERSION, "v1.2.3");
    assert.ok(!("PNPM_VERSION" in dockerfileBuildArgs(required)));
  });
});
