/**
 * `npm run synth -- <stack>`: the offline preview. Runs the program under the mock runtime with the
 * stack's config, sends every resource through the policy pack with policy/config/<stack>.json,
 * writes out/<stack>/, and exits 0 (clean or advisory only), 1 (a mandatory policy violation) or 2
 * (unknown stack or invalid settings, with a message naming the key).
 */
import * as fs from "fs";
import * as path from "path";
// Light on purpose (Node.js built-ins only): the pack is spawned before the program's modules load.
import { spawnPackProcess, stopChild } from "../policy/pack-process";
import { PROJECT_DIR, SynthInputError } from "./input";

const USAGE =
  "usage: npm run synth -- <stack> [--policy-config <file>] [--out <dir>] [--stack-dir <dir>] [--program <file>]";

interface CliArgs {
  stack: string;
  /** Default `policy/config/<stack>.json`. */
  policyConfig: string;
  /** Default `out/`. */
  outDir: string;
  /** Where Pulumi.yaml and Pulumi.<stack>.yaml are. Default: the project. */
  stackDir: string;
  /** The program to preview. Default: the project's index.ts. */
  program: string;
}

function parseArgs(argv: string[]): CliArgs {
  const [stack, ...rest] = argv;
  if (!stack || stack.startsWith("-")) throw new SynthInputError(USAGE);
  const args: CliArgs = {
    stack,
    policyConfig: path.join(PROJECT_DIR, "policy", "config", `${stack}.json`),
    outDir: path.join(PROJECT_DIR, "out"),
    stackDir: PROJECT_DIR,
    program: path.join(PROJECT_DIR, "index.ts"),
  };
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (value === undefined) throw new SynthInputError(`${rest[i]} needs a value; ${USAGE}`);
    if (rest[i] === "--policy-config") args.policyConfig = path.resolve(value);
    else if (rest[i] === "--out") args.outDir = path.resolve(value);
    else if (rest[i] === "--stack-dir") args.stackDir = path.resolve(value);
    else if (rest[i] === "--program") args.program = path.resolve(value);
    else throw new SynthInputError(`unknown option ${rest[i]}; ${USAGE}`);
  }
  if (!fs.existsSync(args.stackDir)) throw new SynthInputError(`--stack-dir ${args.stackDir}: no such directory`);
  if (!fs.existsSync(args.program)) throw new SynthInputError(`--program ${args.program}: no such file`);
  return args;
}

/** The policy pack config file's content, or an error naming the file. */
function readPolicyConfig(file: string): object {
  const shown = path.relative(PROJECT_DIR, file);
  if (!fs.existsSync(file)) throw new SynthInputError(`no policy config ${shown}: create it (see policy/README.md)`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new SynthInputError(`${shown} is not valid JSON: ${(err as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  // The pack boots in its own process (0.4 s with a warm compile cache, loading @pulumi/pulumi) while this one
  // loads and runs the program: spawned before the program's modules load, the two overlap throughout.
  const packProcess = spawnPackProcess();
  let args;
  let result;
  let policyConfig;
  try {
    args = parseArgs(argv);
    const { synthesize } = await import("./run");
    result = await synthesize(args.stack, { stackDir: args.stackDir, program: args.program });
    policyConfig = readPolicyConfig(args.policyConfig);
  } catch (err) {
    await stopChild(packProcess.child);
    if (err instanceof SynthInputError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  // The real pack, spawned and spoken to over the analyzer protocol as the Pulumi CLI does.
  const { analyzeWithPack, PackSession } = await import("../policy");
  const session = await PackSession.connect(packProcess);
  const { formatPolicyReport, hasMandatory } = await import("./report");
  const { writeSynthFiles } = await import("./write");
  const report = await analyzeWithPack(result.resources, policyConfig, { session }).finally(() => session.stop());
  const dir = writeSynthFiles(args.outDir, result, report);
  const kinds = new Map<string, number>();
  for (const r of result.resources) kinds.set(r.type, (kinds.get(r.type) ?? 0) + 1);
  console.log(`stack ${args.stack}: ${result.resources.length} resources`);
  for (const [type, n] of [...kinds].sort()) console.log(`  ${String(n).padStart(3)}  ${type}`);
  const names = new Map(result.resources.map((r) => [r.urn, `${r.type.split(":").pop()} ${r.name}`]));
  console.log(formatPolicyReport(report, (urn) => (urn ? (names.get(urn) ?? urn) : "stack")));
  console.log(`wrote ${path.relative(process.cwd(), dir) || "."}/`);
  return hasMandatory(report) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(3);
  },
);
