import { strict as assert } from "assert";
import { settingsErrorOf, settingsFor } from "../support/settings";

// The schema is the monitoring's one validator: the component takes its args as given.
describe("settings: moontv:monitoring", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "a retention time that is no duration",
      { monitoring: { retentionTime: "forever" } },
      /moontv:monitoring\.retentionTime .*got "forever"; allowed: a Prometheus duration/,
    ],
    [
      "a retention size in Kubernetes units",
      { monitoring: { retentionSize: "8Gi" } },
      /moontv:monitoring\.retentionSize .*got "8Gi"; allowed: a Prometheus size such as "8GB"/,
    ],
    [
      "a scrape interval without a unit",
      { monitoring: { scrapeInterval: "30" } },
      /moontv:monitoring\.scrapeInterval .*got "30"; allowed: a Prometheus duration/,
    ],
    [
      "a storage size that is no quantity",
      { monitoring: { storageSize: "lots" } },
      /moontv:monitoring\.storageSize .*got "lots"; allowed: a storage quantity/,
    ],
    [
      "an Alertmanager without a port",
      { monitoring: { alertmanagers: ["am"] } },
      /moontv:monitoring\.alertmanagers\.0 .*got "am"; allowed: host:port/,
    ],
    [
      "a node selector that is no key=value list",
      { monitoring: { nodeExporterNodeSelector: "kubernetes.io/os" } },
      /moontv:monitoring\.nodeExporterNodeSelector .*got "kubernetes\.io\/os"; allowed: an equality label selector such as "kubernetes\.io\/os=linux"/,
    ],
    [
      "a relative probe path (the app's probe is the monitoring's too)",
      { app: { probes: { livenessPath: "login" } } },
      /moontv:app\.probes\.livenessPath .*got "login"; allowed: an absolute URL path/,
    ],
  ];
  for (const [what, values, message] of bad) {
    it(`refuses ${what}, naming the key`, () =>
      assert.match(settingsErrorOf(() => settingsFor("prod", values)).message, message));
  }

  it("defaults to no Alertmanager", () => assert.deepEqual(settingsFor("prod").monitoring.alertmanagers, []));
});
