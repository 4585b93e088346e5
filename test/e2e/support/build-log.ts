/**
 * BuildKit's plain progress lines as docker-build relays them: every build step, and which came from
 * cache. A step is from cache when BuildKit says CACHED, or when it only pulled and unpacked the cached
 * layers (what it prints for a registry-cache hit whose result the next step needs) and ran nothing: a
 * step that runs prints its process's output as `#N <seconds> <text>`.
 */
export function buildSteps(output: string): { steps: string[]; cached: string[] } {
  const names = new Map<string, string>();
  const cachedIds = new Set<string>();
  const pulled = new Set<string>();
  const ran = new Set<string>();
  for (const line of output.split("\n")) {
    const step = /#(\d+) \[([^\]]+)\] (.+)$/.exec(line);
    if (step && step[2] !== "internal" && !/^FROM /.test(step[3])) names.set(step[1], `[${step[2]}] ${step[3].trim()}`);
    const id = (re: RegExp) => re.exec(line)?.[1];
    const hit = id(/#(\d+) CACHED\s*$/);
    if (hit) cachedIds.add(hit);
    const blob = id(/#(\d+) (?:extracting )?sha256:[a-f0-9]{64}\b/);
    if (blob) pulled.add(blob);
    const out = id(/#(\d+) \d+\.\d+ /);
    if (out) ran.add(out);
  }
  const fromCache = (stepId: string) => cachedIds.has(stepId) || (pulled.has(stepId) && !ran.has(stepId));
  const steps = [...names.entries()];
  return { steps: steps.map(([, n]) => n), cached: steps.filter(([stepId]) => fromCache(stepId)).map(([, n]) => n) };
}
