// The builder's prune step (components/image/Dockerfile, PRUNE_FOREIGN_BINARIES), run as written in
// the Dockerfile against made-up standalone trees on this machine: linux, glibc.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerfileParser } from "dockerfile-ast";
import { readDockerfile } from "../../../components/image/dockerfile";

const STANDALONE = "/app/.next/standalone";
const MACHINES: Record<string, number> = { x64: 62, arm64: 183, arm: 40, ia32: 3 };
const NATIVE = MACHINES[process.arch];
const FOREIGN = process.arch === "arm64" ? 62 : 183;
const MUSL_LIBC = process.arch === "arm64" ? "libc.musl-aarch64.so.1" : "libc.musl-x86_64.so.1";

/** The prune RUN's shell command, line continuations joined as the builder runs them. */
function pruneCommand(): string {
  const run = DockerfileParser.parse(readDockerfile())
    .getInstructions()
    .find((i) => i.getKeyword() === "RUN" && (i.getArgumentsContent() ?? "").includes("PRUNE_FOREIGN_BINARIES"));
  assert.ok(run, "the builder has no prune step");
  const command = run.getArgumentsContent()!.replace(/\\\n/g, " ");
  assert.ok(command.includes(STANDALONE), "the step prunes the standalone output");
  return command;
}

/** A minimal little-endian ELF64 shared object: one PT_LOAD over the file, optional PT_INTERP,
 * and a PT_DYNAMIC with DT_NEEDED entries into a DT_STRTAB. */
function elf64(machine: number, opts: { needed?: string[]; interp?: string } = {}): Buffer {
  const base = 0x400000;
  const phnum = 2 + (opts.interp ? 1 : 0);
  const interpAt = 64 + 56 * phnum;
  const interp = opts.interp ? Buffer.from(`${opts.interp}\0`, "latin1") : Buffer.alloc(0);
  const strings = ["", ...(opts.needed ?? [])];
  const strtab = Buffer.from(strings.join("\0") + "\0", "latin1");
  const offsets = strings.map((_, i) => strings.slice(0, i).reduce((n, s) => n + s.length + 1, 0));
  const entries: Array<[number, number]> = [
    ...(opts.needed ?? []).map((_, i): [number, number] => [1, offsets[i + 1]]),
  ];
  const dynAt = interpAt + interp.length;
  const strAt = dynAt + 16 * (entries.length + 2);
  entries.push([5, base + strAt], [0, 0]);
  const total = strAt + strtab.length;
  const b = Buffer.alloc(total);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phnum, 56);
  const ph = (i: number, type: number, offset: number, size: number) => {
    const h = 64 + 56 * i;
    b.writeUInt32LE(type, h);
    b.writeBigUInt64LE(BigInt(offset), h + 8);
    b.writeBigUInt64LE(BigInt(base + offset), h + 16);
    b.writeBigUInt64LE(BigInt(base + offset), h + 24);
    b.writeBigUInt64LE(BigInt(size), h + 32);
    b.writeBigUInt64LE(BigInt(size), h + 40);
  };
  ph(0, 1, 0, total);
  ph(1, 2, dynAt, 16 * entries.length);
  if (opts.interp) ph(2, 3, interpAt, interp.length);
  interp.copy(b, interpAt);
  entries.forEach(([tag, val], i) => {
    b.writeBigUInt64LE(BigInt(tag), dynAt + 16 * i);
    b.writeBigUInt64LE(BigInt(val), dynAt + 16 * i + 8);
  });
  strtab.copy(b, strAt);
  return b;
}

describe("the builder's prune of native binaries for another libc or CPU", function () {
  this.timeout(30_000);
  let dir: string;
  let root: string;
  const command = pruneCommand();
  const write = (rel: string, body: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body);
  };
  const pkg = (rel: string, fields: Record<string, unknown>) => {
    write(`${rel}/package.json`, JSON.stringify({ name: path.basename(rel), ...fields }));
    write(`${rel}/index.js`, "module.exports = 1;\n");
  };
  const exists = (rel: string) => fs.existsSync(path.join(root, rel));
  const prune = (enabled = "true") =>
    execFileSync("sh", ["-c", command.split(STANDALONE).join(root)], {
      env: { ...process.env, PRUNE_FOREIGN_BINARIES: enabled },
      encoding: "utf8",
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-prune-"));
    root = path.join(dir, "standalone");
    fs.mkdirSync(root);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("removes packages whose os, cpu or libc exclude this platform, and keeps those that fit", () => {
    const store = "node_modules/.pnpm";
    pkg(`${store}/a/node_modules/darwin-only`, { os: ["darwin"] });
    pkg(`${store}/b/node_modules/other-cpu`, { os: ["linux"], cpu: [process.arch === "arm64" ? "x64" : "arm64"] });
    pkg(`${store}/c/node_modules/@img/musl`, { os: ["linux"], cpu: [process.arch], libc: ["musl"] });
    pkg(`${store}/d/node_modules/not-this-cpu`, { cpu: [`!${process.arch}`] });
    pkg(`${store}/e/node_modules/@img/glibc`, { os: ["linux"], cpu: [process.arch], libc: ["glibc"] });
    pkg(`${store}/f/node_modules/not-windows`, { os: ["!win32"] });
    pkg(`${store}/g/node_modules/plain`, {});
    const out = prune();
    for (const gone of [
      "a/node_modules/darwin-only",
      "b/node_modules/other-cpu",
      "c/node_modules/@img/musl",
      "d/node_modules/not-this-cpu",
    ]) {
      assert.ok(!exists(`${store}/${gone}`), `${gone} kept`);
    }
    for (const kept of ["e/node_modules/@img/glibc", "f/node_modules/not-windows", "g/node_modules/plain"]) {
      assert.ok(exists(`${store}/${kept}/index.js`), `${kept} removed`);
    }
    assert.match(
      out,
      /pruned node_modules\/\.pnpm\/c\/node_modules\/@img\/musl \(\d+ bytes\): package for os linux, cpu \w+, libc musl/,
    );
    assert.match(out, /pruned foreign binaries: 4 paths, \d+ bytes \(target linux\/\w+, glibc\)/);
  });

  it("removes ELF files for another machine or linked against musl, and Mach-O files; keeps this platform's", () => {
    write("lib/native-glibc.node", elf64(NATIVE, { needed: ["libstdc++.so.6", "libc.so.6"] }));
    write("lib/native-static.node", elf64(NATIVE));
    write("lib/musl-needed.so.42", elf64(NATIVE, { needed: ["libstdc++.so.6", MUSL_LIBC] }));
    write("bin/musl-exe", elf64(NATIVE, { interp: "/lib/ld-musl-x86_64.so.1", needed: [MUSL_LIBC] }));
    write("lib/other-machine.node", elf64(FOREIGN, { needed: ["libc.so.6"] }));
    const macho = Buffer.alloc(64);
    macho.writeUInt32BE(0xcffaedfe, 0);
    write("lib/darwin.node", macho);
    fs.copyFileSync(process.execPath, path.join(root, "bin-node"));
    write("lib/truncated.so", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]));
    write("lib/readme.md", "musl libc.musl-x86_64.so.1 ld-musl-\n");
    const out = prune();
    for (const gone of ["lib/musl-needed.so.42", "bin/musl-exe", "lib/other-machine.node", "lib/darwin.node"])
      assert.ok(!exists(gone), `${gone} kept`);
    for (const kept of [
      "lib/native-glibc.node",
      "lib/native-static.node",
      "bin-node",
      "lib/truncated.so",
      "lib/readme.md",
    ])
      assert.ok(exists(kept), `${kept} removed`);
    assert.match(
      out,
      new RegExp(
        `pruned lib/musl-needed\\.so\\.42 \\(\\d+ bytes\\): ELF linked against musl \\(libstdc\\+\\+\\.so\\.6, ${MUSL_LIBC.replace(/\./g, "\\.")}\\)`,
      ),
    );
    assert.match(out, /pruned lib\/other-machine\.node \(\d+ bytes\): ELF for machine \d+/);
    assert.match(out, /pruned lib\/darwin\.node \(64 bytes\): Mach-O/);
  });

  it("reports the bytes of the files it removed", () => {
    const musl = elf64(NATIVE, { needed: [MUSL_LIBC] });
    write("a/musl.so", musl);
    pkg("node_modules/darwin", { os: ["darwin"] });
    const pkgBytes = ["package.json", "index.js"].reduce(
      (n, f) => n + fs.statSync(path.join(root, "node_modules/darwin", f)).size,
      0,
    );
    const out = prune();
    assert.match(out, new RegExp(`pruned foreign binaries: 2 paths, ${musl.length + pkgBytes} bytes`));
  });

  it("follows no symbolic link out of the tree", () => {
    const outside = path.join(dir, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "musl.so"), elf64(NATIVE, { needed: [MUSL_LIBC] }));
    fs.mkdirSync(path.join(root, "node_modules"));
    fs.symlinkSync(outside, path.join(root, "node_modules", "linked"));
    prune();
    assert.ok(fs.existsSync(path.join(outside, "musl.so")));
  });

  it("does nothing with PRUNE_FOREIGN_BINARIES=false", () => {
    write("lib/musl.so", elf64(NATIVE, { needed: [MUSL_LIBC] }));
    pkg("node_modules/darwin", { os: ["darwin"] });
    assert.equal(prune("false"), "");
    assert.ok(exists("lib/musl.so") && exists("node_modules/darwin/index.js"));
  });
});
