/**
 * A small Dockerfile reader: enough to find the build's target stage and the USER and HEALTHCHECK it
 * ends up with (including those inherited from an earlier stage it is built FROM). Handles line
 * continuations, comments, the `escape` directive, heredocs and ARG/ENV substitution.
 */

export interface Instruction {
  keyword: string; // upper case
  args: string;
  line: number; // 1-based line where the instruction starts
}

export interface Stage {
  index: number;
  name?: string; // lower case, from `AS name`
  from: string; // the base: an image or an earlier stage's name
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  globalArgs: Instruction[];
  stages: Stage[];
}

/** Splits the text into instructions, one per logical line. */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const escapeDirective = /^#\s*escape\s*=\s*([\\`])\s*$/i.exec(lines.find((l) => l.trim() !== "") ?? "");
  const escape = escapeDirective ? escapeDirective[1] : "\\";
  const out: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    const first = lines[i].trim();
    i++;
    if (first === "" || first.startsWith("#")) continue;
    let logical = first;
    // A trailing escape character continues the instruction; comment lines inside are dropped.
    while (logical.endsWith(escape) && i < lines.length) {
      logical = logical.slice(0, -1);
      let next = lines[i++].trim();
      // Comment and blank lines inside a continued instruction are dropped, the continuation goes on.
      while ((next === "" || next.startsWith("#")) && i < lines.length) next = lines[i++].trim();
      if (!next.startsWith("#")) logical += " " + next;
    }
    const m = /^(\S+)\s*(.*)$/s.exec(logical);
    if (!m) continue;
    out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 });
    // Skip heredoc bodies (`RUN <<EOF` … `EOF`) so their lines are not read as instructions.
    for (const h of m[2].matchAll(/<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)) {
      while (i < lines.length && lines[i].trim() !== h[1]) i++;
      i++;
    }
  }
  return out;
}

/** Groups instructions into build stages. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const result: ParsedDockerfile = { globalArgs: [], stages: [] };
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const asIndex = words.findIndex((w) => w.toUpperCase() === "AS");
      result.stages.push({
        index: result.stages.length,
        name: asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined,
        from: words[0] ?? "",
        instructions: [],
      });
    } else if (result.stages.length === 0) {
      if (ins.keyword === "ARG") result.globalArgs.push(ins);
    } else {
      result.stages[result.stages.length - 1].instructions.push(ins);
    }
  }
  return result;
}

/** The stage a build produces: the named target, or the last stage when no target is given. */
export function targetStage(df: ParsedDockerfile, target?: string): Stage | undefined {
  if (!target) return df.stages[df.stages.length - 1];
  return df.stages.find((s) => s.name === target.toLowerCase());
}

/** The chain from the stage back through the earlier stages it is built FROM (itself first). */
export function stageChain(df: ParsedDockerfile, stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  let current = stage;
  for (;;) {
    const base = current.from.toLowerCase();
    const parent = df.stages.find((s) => s.index < current.index && (s.name === base || String(s.index) === base));
    if (!parent) return chain;
    chain.push(parent);
    current = parent;
  }
}

/** The last instruction with the keyword in the stage or, failing that, in the stages it builds on. */
export function effectiveInstruction(df: ParsedDockerfile, stage: Stage, keyword: string): Instruction | undefined {
  for (const s of stageChain(df, stage)) {
    const found = [...s.instructions].reverse().find((i) => i.keyword === keyword);
    if (found) return found;
  }
  return undefined;
}

/** ARG defaults and ENV values visible in the stage, overridden by the build's args. */
export function variablesFor(
  df: ParsedDockerfile,
  stage: Stage,
  buildArgs: Record<string, string>,
): Map<string, string> {
  const vars = new Map<string, string>();
  const globals = new Map<string, string>();
  for (const a of df.globalArgs) {
    const [k, v] = splitAssignment(a.args);
    globals.set(k, buildArgs[k] ?? v ?? "");
  }
  // Walk from the oldest stage in the chain so later stages override earlier ones.
  for (const s of stageChain(df, stage).reverse()) {
    for (const ins of s.instructions) {
      if (ins.keyword === "ARG") {
        const [k, v] = splitAssignment(ins.args);
        const value = buildArgs[k] ?? v ?? globals.get(k);
        if (value !== undefined) vars.set(k, substitute(value, vars));
      } else if (ins.keyword === "ENV") {
        for (const [k, v] of envPairs(ins.args)) vars.set(k, substitute(v, vars));
      }
    }
  }
  return vars;
}

function splitAssignment(args: string): [string, string | undefined] {
  const eq = args.indexOf("=");
  if (eq < 0) return [args.trim(), undefined];
  return [args.slice(0, eq).trim(), unquote(args.slice(eq + 1).trim())];
}

function envPairs(args: string): [string, string][] {
  if (!(args.split(/\s+/)[0] ?? "").includes("=")) {
    const m = /^(\S+)\s+(.*)$/.exec(args); // legacy `ENV KEY value`
    return m ? [[m[1], unquote(m[2])]] : [];
  }
  return [...args.matchAll(/(\S+?)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map((m) => [m[1], unquote(m[2])]);
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** Expands `$VAR`, `${VAR}`, `${VAR:-default}`; unresolved variables are left as written. */
export function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a, def, b) => {
    const value = vars.get(a ?? b);
    if (value !== undefined && value !== "") return value;
    return def !== undefined ? def : all;
  });
}
