// A small Trivy vulnerability database made by the test, offline, with trivy-db's own builder
// (`trivy-db build`, engine/trivy-db, pinned to the trivy-db version Trivy v0.74.0 requires): the test
// writes GitHub Security Advisories in the OSV format of the vuln-list tree trivy-db reads
// (ghsa/advisories/github-reviewed/<year>/<month>/<id>/<id>.json), and trivy-db turns them into trivy.db
// and metadata.json exactly as it builds the published database. Nothing is downloaded.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const BIN = path.resolve(__dirname, "..", "..", ".engine", "bin");
export const ENGINE_TRIVY = path.join(BIN, "trivy");
export const ENGINE_TRIVY_DB = path.join(BIN, "trivy-db");

/** Why the scanner specs cannot run here (the engine binaries not built yet), or undefined. */
export function missingScanTools(): string | undefined {
  const missing = [ENGINE_TRIVY, ENGINE_TRIVY_DB].filter((b) => !fs.existsSync(b));
  return missing.length === 0
    ? undefined
    : `${missing.map((m) => path.basename(m)).join(" and ")} not built: run \`bash engine/build.sh trivy trivy-db\``;
}

/** One npm advisory: the package's versions from `introduced` up to (not including) `fixed`. */
export interface NpmAdvisory {
  /** `GHSA-xxxx-xxxx-xxxx` (GitHub's alphabet: 23456789cfghjmpqrvwx). */
  id: string;
  package: string;
  introduced: string;
  fixed: string;
  severity: "CRITICAL" | "HIGH" | "MODERATE" | "LOW";
}

/** The specs' advisory: against next before 14.2.36, so the fixture app's 14.2.35 (in its standalone
 * node_modules, with its package.json) has it. Written by the specs, not a real advisory. */
export const NEXT_ADVISORY: NpmAdvisory = {
  id: "GHSA-mv7c-7w4j-4xcv",
  package: "next",
  introduced: "14.0.0",
  fixed: "14.2.36",
  severity: "CRITICAL",
};
/** A second one, against versions of next no image holds: it must never show. */
export const UNRELATED_ADVISORY: NpmAdvisory = {
  ...NEXT_ADVISORY,
  id: "GHSA-2c3f-4g5h-6j7m",
  introduced: "13.0.0",
  fixed: "13.5.1",
};

/** The advisory as GitHub publishes it (OSV 1.4, as in github/advisory-database and trivy-db's own test data). */
function osvJson(a: NpmAdvisory): string {
  return JSON.stringify(
    {
      schema_version: "1.4.0",
      id: a.id,
      modified: "2026-01-02T00:00:00Z",
      published: "2026-01-01T00:00:00Z",
      aliases: [],
      summary: `test advisory against ${a.package} < ${a.fixed}`,
      details: "Written by a MoonTV spec; not a real vulnerability.",
      severity: [],
      affected: [
        {
          package: { ecosystem: "npm", name: a.package },
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: a.introduced }, { fixed: a.fixed }] }],
        },
      ],
      references: [],
      database_specific: { severity: a.severity, github_reviewed: true },
    },
    null,
    2,
  );
}

/**
 * Builds a database from the advisories into `outDir` (trivy.db + metadata.json, as Trivy keeps them in
 * `<cache>/db`) and returns its metadata. `work` holds the vuln-list tree.
 */
export function buildTrivyDb(work: string, outDir: string, advisories: NpmAdvisory[]): { UpdatedAt: string } {
  const tree = path.join(work, "vuln-list");
  fs.rmSync(tree, { recursive: true, force: true });
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const a of advisories) {
    const dir = path.join(tree, "ghsa", "advisories", "github-reviewed", "2026", "01", a.id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${a.id}.json`), osvJson(a));
  }
  // The GHSA source also maps Swift advisories to CocoaPods names from a CocoaPods Specs checkout: none here.
  fs.mkdirSync(path.join(tree, "cocoapods-specs", "Specs"), { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });
  execFileSync(ENGINE_TRIVY_DB, ["build", "--cache-dir", tree, "--output-dir", outDir, "--only-update", "ghsa"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return JSON.parse(fs.readFileSync(path.join(outDir, "metadata.json"), "utf8")) as { UpdatedAt: string };
}
