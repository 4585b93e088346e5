/**
 * `promtool test rules` cases for the alert rules rendered with the default settings (node-exporter on,
 * Grafana off, memory alert at 90%). Each alert has cases that fire and cases that must stay silent.
 */
export interface Expected {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleCase {
  /** What the case shows. */
  name: string;
  alert: string;
  evalTime: string;
  series: { series: string; values: string }[];
  /** Alerts expected at evalTime; empty = the alert must not fire. */
  expected: Expected[];
}

const APP = `job="moontv",instance="http://moontv:3000/login"`;
const REDIS = `job="redis",instance="redis-exporter:9121"`;
const REDIS_LABELS = { job: "redis", instance: "redis-exporter:9121" };
const DISK = `job="node",instance="10.0.0.7:9100",device="/dev/sda1",fstype="ext4",mountpoint="/"`;
const DISK_LABELS = { job: "node", instance: "10.0.0.7:9100", device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
const disk = (avail: string, readonly = "0x600") => [
  { series: `node_filesystem_avail_bytes{${DISK}}`, values: avail },
  { series: `node_filesystem_size_bytes{${DISK}}`, values: "1000x600" },
  { series: `node_filesystem_readonly{${DISK}}`, values: readonly },
];
const redisMem = (used: string, max: string) => [
  { series: `redis_memory_used_bytes{${REDIS}}`, values: used },
  { series: `redis_memory_max_bytes{${REDIS}}`, values: max },
];
const persistence = (rdb: string, aof: string) => [
  { series: `redis_rdb_last_bgsave_status{${REDIS}}`, values: rdb },
  { series: `redis_aof_last_write_status{${REDIS}}`, values: aof },
];
const up = (job: string, values: string) => ({ series: `up{job="${job}",instance="${job}:1"}`, values });
const RDB = {
  summary: "Redis cannot save its RDB snapshot",
  description: "The last BGSAVE failed; data written since is at risk.",
};
const AOF = {
  summary: "Redis cannot write its AOF",
  description: "The last append-only-file write failed; data written since is at risk.",
};
const missing = (job: string): Expected => ({
  labels: { job, severity: "warning" },
  annotations: {
    summary: "A scrape target is missing",
    description: `Prometheus has no target at all for job ${job} (Service or pods gone).`,
  },
});

export const RULE_CASES: RuleCase[] = [
  {
    name: "app probe failing for 5m fires",
    alert: "MoonTVDown",
    evalTime: "5m",
    series: [{ series: `probe_success{${APP}}`, values: "0x10" }],
    expected: [
      {
        labels: { job: "moontv", instance: "http://moontv:3000/login", severity: "critical" },
        annotations: {
          summary: "MoonTV does not answer",
          description: "The probe of http://moontv:3000/login has failed for 2 minutes.",
        },
      },
    ],
  },
  {
    name: "app probe failing for 1m is still pending",
    alert: "MoonTVDown",
    evalTime: "1m",
    series: [{ series: `probe_success{${APP}}`, values: "0x10" }],
    expected: [],
  },
  {
    name: "app probe succeeding is silent",
    alert: "MoonTVDown",
    evalTime: "5m",
    series: [{ series: `probe_success{${APP}}`, values: "1x10" }],
    expected: [],
  },
  {
    name: "redis_up 0 fires",
    alert: "RedisDown",
    evalTime: "3m",
    series: [{ series: `redis_up{${REDIS}}`, values: "0x10" }],
    expected: [
      {
        labels: { ...REDIS_LABELS, severity: "critical" },
        annotations: {
          summary: "Redis is down",
          description: "redis-exporter cannot reach Redis at redis-exporter:9121 (wrong password or Redis down).",
        },
      },
    ],
  },
  {
    name: "redis_up 1 is silent",
    alert: "RedisDown",
    evalTime: "3m",
    series: [{ series: `redis_up{${REDIS}}`, values: "1x10" }],
    expected: [],
  },
  {
    name: "95% of maxmemory fires",
    alert: "RedisMemoryNearMaxmemory",
    evalTime: "6m",
    series: redisMem("950x10", "1000x10"),
    expected: [
      {
        labels: { ...REDIS_LABELS, severity: "warning" },
        annotations: {
          summary: "Redis memory near maxmemory",
          description: "Redis uses 95% of maxmemory (alert above 90%).",
        },
      },
    ],
  },
  {
    name: "50% of maxmemory is silent",
    alert: "RedisMemoryNearMaxmemory",
    evalTime: "6m",
    series: redisMem("500x10", "1000x10"),
    expected: [],
  },
  {
    name: "maxmemory 0 (unlimited) is silent",
    alert: "RedisMemoryNearMaxmemory",
    evalTime: "6m",
    series: redisMem("950x10", "0x10"),
    expected: [],
  },
  {
    name: "failed BGSAVE fires (rdb)",
    alert: "RedisPersistenceError",
    evalTime: "3m",
    series: persistence("0x10", "1x10"),
    expected: [{ labels: { ...REDIS_LABELS, severity: "critical", persistence: "rdb" }, annotations: RDB }],
  },
  {
    name: "failed AOF write fires (aof)",
    alert: "RedisPersistenceError",
    evalTime: "3m",
    series: persistence("1x10", "0x10"),
    expected: [{ labels: { ...REDIS_LABELS, severity: "critical", persistence: "aof" }, annotations: AOF }],
  },
  {
    name: "both failing fire two distinct alerts",
    alert: "RedisPersistenceError",
    evalTime: "3m",
    series: persistence("0x10", "0x10"),
    expected: [
      { labels: { ...REDIS_LABELS, severity: "critical", persistence: "rdb" }, annotations: RDB },
      { labels: { ...REDIS_LABELS, severity: "critical", persistence: "aof" }, annotations: AOF },
    ],
  },
  {
    name: "persistence OK is silent",
    alert: "RedisPersistenceError",
    evalTime: "3m",
    series: persistence("1x10", "1x10"),
    expected: [],
  },
  {
    name: "a target down for 6m fires",
    alert: "TargetDown",
    evalTime: "6m",
    series: [up("redis", "0x10"), up("moontv", "1x10")],
    expected: [
      {
        labels: { job: "redis", instance: "redis:1", severity: "warning" },
        annotations: {
          summary: "A scrape target is down",
          description: "redis target redis:1 has not answered for 5 minutes.",
        },
      },
    ],
  },
  { name: "targets up are silent", alert: "TargetDown", evalTime: "6m", series: [up("redis", "1x10")], expected: [] },
  {
    name: "jobs without any target fire, one alert per job",
    alert: "TargetMissing",
    evalTime: "11m",
    series: [up("prometheus", "1x15")],
    expected: [missing("redis"), missing("moontv"), missing("node")],
  },
  {
    name: "every job present is silent",
    alert: "TargetMissing",
    evalTime: "11m",
    series: ["prometheus", "redis", "moontv", "node"].map((j) => up(j, "0x15")),
    expected: [],
  },
  {
    name: "disk at 14% and shrinking fires",
    alert: "NodeDiskFilling",
    evalTime: "420m",
    series: disk("350-0.5x600"),
    expected: [
      {
        labels: { ...DISK_LABELS, severity: "warning" },
        annotations: {
          summary: "A node disk will fill within 24 hours",
          description: "/ on 10.0.0.7:9100 is filling up.",
        },
      },
    ],
  },
  {
    name: "disk at 30% but steady is silent",
    alert: "NodeDiskFilling",
    evalTime: "420m",
    series: disk("300x600"),
    expected: [],
  },
  {
    name: "shrinking but read-only is silent",
    alert: "NodeDiskFilling",
    evalTime: "420m",
    series: disk("350-0.5x600", "1x600"),
    expected: [],
  },
  {
    name: "disk at 5% for 35m fires",
    alert: "NodeDiskAlmostFull",
    evalTime: "35m",
    series: disk("50x600"),
    expected: [
      {
        labels: { ...DISK_LABELS, severity: "critical" },
        annotations: {
          summary: "A node disk is almost full",
          description: "/ on 10.0.0.7:9100 has less than 10% space left.",
        },
      },
    ],
  },
  {
    name: "disk at 20% is silent",
    alert: "NodeDiskAlmostFull",
    evalTime: "35m",
    series: disk("200x600"),
    expected: [],
  },
];

/** The `promtool test rules` file for these cases. */
const KVROCKS = `job="kvrocks",instance="kvrocks-exporter:9121"`;
const KVROCKS_LABELS = { job: "kvrocks", instance: "kvrocks-exporter:9121" };
const kvrocksDisk = (used: string, capacity: string) => [
  { series: `kvrocks_used_disk_size{${KVROCKS}}`, values: used },
  { series: `kvrocks_disk_capacity_bytes{${KVROCKS}}`, values: capacity },
];

/** Cases for the rules rendered with `store: "kvrocks"` (its group replaces Redis's). */
export const KVROCKS_RULE_CASES: RuleCase[] = [
  {
    name: "kvrocks_up 0 fires",
    alert: "KvrocksDown",
    evalTime: "3m",
    series: [{ series: `kvrocks_up{${KVROCKS}}`, values: "0x10" }],
    expected: [
      {
        labels: { ...KVROCKS_LABELS, severity: "critical" },
        annotations: {
          summary: "Kvrocks is down",
          description:
            "kvrocks-exporter cannot reach Kvrocks at kvrocks-exporter:9121 (wrong password or Kvrocks down).",
        },
      },
    ],
  },
  {
    name: "kvrocks_up 1 is silent",
    alert: "KvrocksDown",
    evalTime: "3m",
    series: [{ series: `kvrocks_up{${KVROCKS}}`, values: "1x10" }],
    expected: [],
  },
  {
    name: "a Kvrocks volume 95% full for 10m fires",
    alert: "KvrocksDiskAlmostFull",
    evalTime: "15m",
    series: kvrocksDisk("950x20", "1000x20"),
    expected: [
      {
        labels: { ...KVROCKS_LABELS, severity: "warning" },
        annotations: {
          summary: "Kvrocks' volume is almost full",
          description: "Kvrocks' data volume is 95% full (alert above 90%): grow kvrocks.storageSize.",
        },
      },
    ],
  },
  {
    name: "a Kvrocks volume 50% full is silent",
    alert: "KvrocksDiskAlmostFull",
    evalTime: "15m",
    series: kvrocksDisk("500x20", "1000x20"),
    expected: [],
  },
  {
    name: "an unknown capacity (0) is silent",
    alert: "KvrocksDiskAlmostFull",
    evalTime: "15m",
    series: kvrocksDisk("950x20", "0x20"),
    expected: [],
  },
  {
    name: "a missing kvrocks job fires TargetMissing",
    alert: "TargetMissing",
    evalTime: "15m",
    series: [up("prometheus", "1x20"), up("moontv", "1x20"), up("node", "1x20")],
    expected: [missing("kvrocks")],
  },
  {
    name: "with every kvrocks-store job present, TargetMissing is silent",
    alert: "TargetMissing",
    evalTime: "15m",
    series: [up("prometheus", "1x20"), up("kvrocks", "1x20"), up("moontv", "1x20"), up("node", "1x20")],
    expected: [],
  },
];

export function ruleTestFile(rulesFile: string, cases: RuleCase[] = RULE_CASES): Record<string, unknown> {
  return {
    rule_files: [rulesFile],
    evaluation_interval: "1m",
    tests: cases.map((c) => ({
      name: c.name,
      interval: "1m",
      input_series: c.series,
      alert_rule_test: [
        {
          eval_time: c.evalTime,
          alertname: c.alert,
          exp_alerts: c.expected.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })),
        },
      ],
    })),
  };
}
