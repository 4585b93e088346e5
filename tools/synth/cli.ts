/**
 * `npm run synth -- <stack>`: the offline preview. Runs the program under the mock runtime with the
 * stack's config, writes out/<stack>/, and exits 0 (clean or advisory only), 1 (a mandatory policy
 * violation) or 2 (unknown stack or invalid settings, with a message naming the key).
 */
import * as path from "path";
import { listStacks, PROJECT_DIR, synthesize, SynthInputError } from "./run";
import { writeSynthFiles } from "./write";

async function main(argv: string[]): Promise<number> {
  const stack = argv[0];
  if (!stack || argv.length > 1) {
    console.error(`usage: npm run synth -- <stack>   (stacks: ${listStacks(process.env.MOONTV_STACK_DIR || PROJECT_DIR).join(", ")})`);
    return 2;
  }
  let result;
  try {
    // MOONTV_STACK_DIR lets specs preview a stack file kept outside the project (a broken one).
    result = await synthesize(stack, process.env.MOONTV_STACK_DIR || PROJECT_DIR);
  } catch (err) {
    if (err instanceof SynthInputError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const dir = writeSynthFiles(path.join(PROJECT_DIR, "out"), result);
  const kinds = new Map<string, number>();
  for (const r of result.resources) kinds.set(r.type, (kinds.get(r.type) ?? 0) + 1);
  console.log(`stack ${stack}: ${result.resources.length} resources`);
  for (const [type, n] of [...kinds].sort()) console.log(`  ${String(n).padStart(3)}  ${type}`);
  console.log(`wrote ${path.relative(process.cwd(), dir) || "."}/`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(3);
  },
);
