import { strict as assert } from "assert";
import { settingsErrorOf, settingsFor } from "../support/settings";

const build = {
  repository: "localhost:5001/moontv",
  context: { location: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "main" },
};
const withScan = (scan: Record<string, unknown>) => ({ image: { ...build, scan } });
const allowEntry = {
  id: "CVE-2024-1234",
  reason: "not reachable: the app never parses TIFF files",
  expires: "2030-01-31",
};

describe("settings: moontv:image.scan (the vulnerability gate)", () => {
  it("defaults: off in dev, enforce in prod, both failing on CRITICAL only, unfixed counted, nothing allowed, Trivy's DB", () => {
    const dev = settingsFor("dev", { image: build }).image.build!.scan;
    const prod = settingsFor("prod", { image: build }).image.build!.scan;
    assert.deepEqual(dev, { mode: "off", failOn: ["CRITICAL"], ignoreUnfixed: false, allow: [], db: {} });
    assert.deepEqual(prod, { mode: "enforce", failOn: ["CRITICAL"], ignoreUnfixed: false, allow: [], db: {} });
  });

  it("takes a stack's values over the defaults (lists replace, mappings merge)", () => {
    const scan = settingsFor(
      "prod",
      withScan({ failOn: ["CRITICAL", "HIGH"], allow: [allowEntry], db: { directory: "/var/cache/trivy/db" } }),
    ).image.build!.scan;
    assert.deepEqual(scan, {
      mode: "enforce",
      failOn: ["CRITICAL", "HIGH"],
      ignoreUnfixed: false,
      allow: [allowEntry],
      db: { directory: "/var/cache/trivy/db" },
    });
    assert.deepEqual(
      settingsFor("dev", withScan({ mode: "advisory", db: { repository: "127.0.0.1:5000/aquasec/trivy-db:2" } })).image
        .build!.scan.db,
      { repository: "127.0.0.1:5000/aquasec/trivy-db:2" },
    );
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "an unknown mode",
      { mode: "strict" },
      /moontv:image\.scan\.mode .*got "strict"; allowed: enforce .* advisory .* off/,
    ],
    [
      "an unknown severity",
      { failOn: ["SEVERE"] },
      /moontv:image\.scan\.failOn\.0 .*got "SEVERE"; allowed: one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN/,
    ],
    ["no severity", { failOn: [] }, /moontv:image\.scan\.failOn .*got \[\]; allowed: at least one severity/],
    [
      "a severity twice",
      { failOn: ["HIGH", "HIGH"] },
      /moontv:image\.scan\.failOn .*allowed: a list without duplicates/,
    ],
    [
      "ignoreUnfixed as text",
      { ignoreUnfixed: "yes" },
      /moontv:image\.scan\.ignoreUnfixed .*got "yes"; allowed: true or false/,
    ],
    [
      "an allow-list entry without a reason",
      { allow: [{ id: "CVE-2024-1234", expires: "2030-01-01" }] },
      /moontv:image\.scan\.allow\.0\.reason .*allowed: why the finding is accepted, 10 to 500 characters \(the key is required\)/,
    ],
    [
      "an allow-list entry with a one-word reason",
      { allow: [{ ...allowEntry, reason: "fine" }] },
      /moontv:image\.scan\.allow\.0\.reason .*got "fine"; allowed: why the finding is accepted/,
    ],
    [
      "an allow-list entry without an expiry",
      { allow: [{ id: "CVE-2024-1234", reason: allowEntry.reason }] },
      /moontv:image\.scan\.allow\.0\.expires .*allowed: a date "YYYY-MM-DD" \(the key is required\)/,
    ],
    [
      "an expiry that is no day",
      { allow: [allowEntry, { ...allowEntry, expires: "2030-02-30" }] },
      /moontv:image\.scan\.allow\.1\.expires .*got "2030-02-30"; allowed: a date "YYYY-MM-DD"/,
    ],
    [
      "an ID that is no vulnerability ID",
      { allow: [{ ...allowEntry, id: "zlib" }] },
      /moontv:image\.scan\.allow\.0\.id .*got "zlib"; allowed: a vulnerability ID such as "CVE-2024-1234"/,
    ],
    [
      "an unknown allow-list key",
      { allow: [{ ...allowEntry, package: "zlib" }] },
      /moontv:image\.scan\.allow\.0\.package .*no such key here; known keys: id, reason, expires/,
    ],
    [
      "a DB repository with a scheme",
      { db: { repository: "https://mirror.example.com/trivy-db" } },
      /moontv:image\.scan\.db\.repository .*allowed: an OCI repository/,
    ],
    [
      "both a DB repository and a directory",
      { db: { repository: "mirror.example.com/aquasec/trivy-db:2", directory: "/db" } },
      /moontv:image\.scan\.db .*allowed: either repository \(a mirror\) or directory \(offline\), not both/,
    ],
    [
      "an unknown DB source",
      { db: { url: "x" } },
      /moontv:image\.scan\.db\.url .*no such key here; known keys: repository, directory/,
    ],
  ];
  for (const [what, scan, message] of bad) {
    it(`refuses ${what}, naming the key`, () => {
      const err = settingsErrorOf(() => settingsFor("prod", withScan(scan)));
      assert.match(err.message, message);
      assert.match(err.key, /^moontv:image\.scan/);
    });
  }
});
