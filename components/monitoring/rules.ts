import { stringify } from "yaml";
import type { MonitoringArgs } from "./args";
import { JOBS } from "./names";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** File systems that say nothing about a node's disks. */
const FS = `fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"`;

/** The jobs that must always have a scrape target; `absent()` over them catches a vanished target. */
export function expectedJobs(r: MonitoringArgs): string[] {
  const jobs: string[] = [JOBS.prometheus, r.store.kind === "kvrocks" ? JOBS.kvrocks : JOBS.redis, JOBS.app];
  if (r.nodeExporter.enabled) jobs.push(JOBS.node);
  if (r.grafana.enabled) jobs.push(JOBS.grafana);
  return jobs;
}

/** The alert rules as data (the dashboard and the specs read them too). Pure. */
export function buildAlertGroups(r: MonitoringArgs): RuleGroup[] {
  const rule = (
    alert: string,
    expr: string,
    forDuration: string,
    severity: string,
    summary: string,
    description: string,
    extra: Record<string, string> = {},
  ): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity, ...extra },
    annotations: { summary, description },
  });
  const redis = `job="${JOBS.redis}"`;
  const kvrocks = `job="${JOBS.kvrocks}"`;
  const s = r.store;
  const store: RuleGroup =
    s.kind === "kvrocks"
      ? {
          name: "kvrocks",
          rules: [
            rule(
              "KvrocksDown",
              `kvrocks_up{${kvrocks}} == 0`,
              "1m",
              "critical",
              "Kvrocks is down",
              "kvrocks-exporter cannot reach Kvrocks at {{ $labels.instance }} (wrong password or Kvrocks down).",
            ),
            // Kvrocks reports the file system of its data directory: RocksDB stops writing when it is full.
            rule(
              "KvrocksDiskAlmostFull",
              `kvrocks_used_disk_size{${kvrocks}} / kvrocks_disk_capacity_bytes{${kvrocks}} > ${s.diskAlertRatio}` +
                ` and kvrocks_disk_capacity_bytes{${kvrocks}} > 0`,
              "10m",
              "warning",
              "Kvrocks' volume is almost full",
              `Kvrocks' data volume is {{ $value | humanizePercentage }} full (alert above ${Math.round(s.diskAlertRatio * 100)}%): grow kvrocks.storageSize.`,
            ),
          ],
        }
      : {
          name: "redis",
          rules: [
            rule(
              "RedisDown",
              `redis_up{${redis}} == 0`,
              "1m",
              "critical",
              "Redis is down",
              "redis-exporter cannot reach Redis at {{ $labels.instance }} (wrong password or Redis down).",
            ),
            // maxmemory 0 means "no limit": the guard keeps the ratio from being +Inf.
            rule(
              "RedisMemoryNearMaxmemory",
              `redis_memory_used_bytes{${redis}} / redis_memory_max_bytes{${redis}} > ${s.memoryAlertRatio}` +
                ` and redis_memory_max_bytes{${redis}} > 0`,
              "5m",
              "warning",
              "Redis memory near maxmemory",
              `Redis uses {{ $value | humanizePercentage }} of maxmemory (alert above ${Math.round(s.memoryAlertRatio * 100)}%).`,
            ),
            // Two rules with one name: if both failed at once a single expression would yield duplicate series.
            rule(
              "RedisPersistenceError",
              `redis_rdb_last_bgsave_status{${redis}} == 0`,
              "1m",
              "critical",
              "Redis cannot save its RDB snapshot",
              "The last BGSAVE failed; data written since is at risk.",
              { persistence: "rdb" },
            ),
            rule(
              "RedisPersistenceError",
              `redis_aof_last_write_status{${redis}} == 0`,
              "1m",
              "critical",
              "Redis cannot write its AOF",
              "The last append-only-file write failed; data written since is at risk.",
              { persistence: "aof" },
            ),
          ],
        };
  return [
    {
      name: "moontv",
      rules: [
        // The app has no metrics endpoint: "down" means the blackbox probe of the app's page fails.
        rule(
          "MoonTVDown",
          `probe_success{job="${JOBS.app}"} == 0`,
          "2m",
          "critical",
          "MoonTV does not answer",
          `The probe of {{ $labels.instance }} has failed for 2 minutes.`,
        ),
      ],
    },
    store,
    {
      name: "scrape",
      rules: [
        rule(
          "TargetDown",
          "up == 0",
          "5m",
          "warning",
          "A scrape target is down",
          "{{ $labels.job }} target {{ $labels.instance }} has not answered for 5 minutes.",
        ),
        rule(
          "TargetMissing",
          expectedJobs(r)
            .map((j) => `absent(up{job="${j}"})`)
            .join(" or "),
          "10m",
          "warning",
          "A scrape target is missing",
          "Prometheus has no target at all for job {{ $labels.job }} (Service or pods gone).",
        ),
      ],
    },
    {
      name: "node",
      rules: [
        rule(
          "NodeDiskFilling",
          `node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} < 0.4` +
            ` and predict_linear(node_filesystem_avail_bytes{${FS}}[6h], 24 * 3600) < 0` +
            ` and node_filesystem_readonly{${FS}} == 0`,
          "1h",
          "warning",
          "A node disk will fill within 24 hours",
          "{{ $labels.mountpoint }} on {{ $labels.instance }} is filling up.",
        ),
        rule(
          "NodeDiskAlmostFull",
          `node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}} < 0.1` +
            ` and node_filesystem_readonly{${FS}} == 0`,
          "30m",
          "critical",
          "A node disk is almost full",
          "{{ $labels.mountpoint }} on {{ $labels.instance }} has less than 10% space left.",
        ),
      ],
    },
  ];
}

/** The rules file text (`alerts.yml`). */
export function buildAlertRules(r: MonitoringArgs): string {
  return stringify({ groups: buildAlertGroups(r) });
}
