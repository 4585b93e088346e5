/**
 * A scratch copy of this project for one end-to-end stack: the files git tracks (and new ones it does
 * not ignore), with node_modules linked, so that stack files and `pulumi config set` never touch the
 * clone a spec runs from.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./engine";

export function scratchProject(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `moontv-e2e-${label}-`));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString()
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  // The engine and the cluster's .engine/env, as the README's commands `source` them.
  fs.symlinkSync(path.join(ROOT, ".engine"), path.join(dir, ".engine"));
  return dir;
}

export function removeScratch(dir: string): void {
  if (dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
}
