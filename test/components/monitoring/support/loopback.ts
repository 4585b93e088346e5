import { parse, stringify } from "yaml";

type Job = Record<string, unknown> & {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  dns_sd_configs?: { names: string[]; port: number; type?: string }[];
  relabel_configs?: { target_label?: string; replacement?: string }[];
};

/**
 * Rewrites a rendered prometheus.yml so that it runs outside the cluster: every in-cluster address
 * (`service:port`, also inside probe URLs and the `__address__` relabel of the blackbox job) becomes
 * the loopback address in `addresses`; `dns_sd_configs` become `static_configs`. Jobs with an address
 * that has no loopback counterpart are dropped and reported, as is the alerting section. Pure.
 */
export function rewriteTargetsForLoopback(
  configText: string,
  addresses: Record<string, string>,
): { config: string; dropped: string[] } {
  const config = parse(configText) as { scrape_configs: Job[]; alerting?: unknown };
  const dropped: string[] = [];
  const mapAddress = (a: string): string | undefined => {
    if (!a.includes("://")) return addresses[a];
    const url = new URL(a);
    const to = addresses[url.host];
    return to === undefined ? undefined : a.replace(`//${url.host}`, `//${to}`);
  };
  const jobs: Job[] = [];
  for (const job of config.scrape_configs) {
    let missing = false;
    const map = (a: string): string => {
      const m = mapAddress(a);
      if (m === undefined) missing = true;
      return m ?? a;
    };
    const statics = (job.static_configs ?? []).map((s) => ({ ...s, targets: s.targets.map(map) }));
    for (const d of job.dns_sd_configs ?? []) statics.push({ targets: d.names.map((n) => map(`${n}:${d.port}`)) });
    const relabels = (job.relabel_configs ?? []).map((rc) =>
      rc.target_label === "__address__" && rc.replacement !== undefined
        ? { ...rc, replacement: map(rc.replacement) }
        : rc,
    );
    if (missing) {
      dropped.push(job.job_name);
      continue;
    }
    const out: Job = { ...job, static_configs: statics };
    delete out.dns_sd_configs;
    if (job.relabel_configs) out.relabel_configs = relabels;
    jobs.push(out);
  }
  config.scrape_configs = jobs;
  if (config.alerting !== undefined) {
    delete config.alerting;
    dropped.push("alerting");
  }
  return { config: stringify(config), dropped };
}
