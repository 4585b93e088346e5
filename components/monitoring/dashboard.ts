import type { MonitoringArgs } from "./args";
import { JOBS } from "./names";

/** uid of the provisioned Prometheus data source; panels refer to it by uid, not by name. */
export const DATASOURCE_UID = "prometheus";
export const DASHBOARD_UID = "moontv-overview";

interface PanelSpec {
  title: string;
  type: "stat" | "timeseries";
  unit: string;
  queries: { expr: string; legend: string }[];
}

const FS = `fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"`;

/** The Kvrocks row (kvrocks-exporter), in the Redis row's place when Kvrocks is the store. */
function kvrocksRow(): { row: string; panels: PanelSpec[] } {
  const kvrocks = `job="${JOBS.kvrocks}"`;
  return {
    row: "Kvrocks",
    panels: [
      {
        title: "Kvrocks up",
        type: "stat",
        unit: "none",
        queries: [{ expr: `kvrocks_up{${kvrocks}}`, legend: "{{instance}}" }],
      },
      {
        title: "Kvrocks volume",
        type: "timeseries",
        unit: "bytes",
        queries: [
          { expr: `kvrocks_used_disk_size{${kvrocks}}`, legend: "used" },
          { expr: `kvrocks_disk_capacity_bytes{${kvrocks}}`, legend: "capacity" },
        ],
      },
      {
        title: "Kvrocks clients",
        type: "timeseries",
        unit: "none",
        queries: [{ expr: `kvrocks_connected_clients{${kvrocks}}`, legend: "clients" }],
      },
      {
        title: "Kvrocks commands per second",
        type: "timeseries",
        unit: "ops",
        queries: [{ expr: `rate(kvrocks_commands_processed_total{${kvrocks}}[5m])`, legend: "commands/s" }],
      },
      {
        title: "Kvrocks keys",
        type: "timeseries",
        unit: "none",
        queries: [{ expr: `sum(kvrocks_db_keys{${kvrocks}})`, legend: "keys" }],
      },
    ],
  };
}

/** The panels as data: MoonTV (via the blackbox probe), Redis (redis-exporter) or Kvrocks, nodes (node-exporter). */
export function dashboardPanels(r: MonitoringArgs): { row: string; panels: PanelSpec[] }[] {
  const app = `job="${JOBS.app}"`;
  const redis = `job="${JOBS.redis}"`;
  const rows = [
    {
      row: "MoonTV",
      panels: [
        {
          title: "MoonTV up (probe)",
          type: "stat",
          unit: "none",
          queries: [{ expr: `probe_success{${app}}`, legend: "{{instance}}" }],
        },
        {
          title: "MoonTV response time",
          type: "timeseries",
          unit: "s",
          queries: [{ expr: `probe_duration_seconds{${app}}`, legend: "{{instance}}" }],
        },
        {
          title: "MoonTV HTTP status",
          type: "stat",
          unit: "none",
          queries: [{ expr: `probe_http_status_code{${app}}`, legend: "{{instance}}" }],
        },
      ],
    },
    {
      row: "Redis",
      panels: [
        {
          title: "Redis up",
          type: "stat",
          unit: "none",
          queries: [{ expr: `redis_up{${redis}}`, legend: "{{instance}}" }],
        },
        {
          title: "Redis memory",
          type: "timeseries",
          unit: "bytes",
          queries: [
            { expr: `redis_memory_used_bytes{${redis}}`, legend: "used" },
            { expr: `redis_memory_max_bytes{${redis}}`, legend: "maxmemory (0 = unlimited)" },
          ],
        },
        {
          title: "Redis clients",
          type: "timeseries",
          unit: "none",
          queries: [{ expr: `redis_connected_clients{${redis}}`, legend: "clients" }],
        },
        {
          title: "Redis commands per second",
          type: "timeseries",
          unit: "ops",
          queries: [{ expr: `rate(redis_commands_processed_total{${redis}}[5m])`, legend: "commands/s" }],
        },
        {
          title: "Redis keys",
          type: "timeseries",
          unit: "none",
          queries: [{ expr: `sum(redis_db_keys{${redis}})`, legend: "keys" }],
        },
        {
          title: "Redis persistence OK",
          type: "stat",
          unit: "none",
          queries: [
            { expr: `redis_rdb_last_bgsave_status{${redis}}`, legend: "rdb" },
            { expr: `redis_aof_last_write_status{${redis}}`, legend: "aof" },
          ],
        },
      ],
    },
    {
      row: "Scrape targets",
      panels: [
        {
          title: "Targets up",
          type: "timeseries",
          unit: "none",
          queries: [{ expr: "up", legend: "{{job}} {{instance}}" }],
        },
      ],
    },
  ] as { row: string; panels: PanelSpec[] }[];
  if (r.store.kind === "kvrocks")
    rows.splice(
      rows.findIndex((x) => x.row === "Redis"),
      1,
      kvrocksRow(),
    );
  if (r.nodeExporter.enabled) {
    const node = `job="${JOBS.node}"`;
    rows.push({
      row: "Nodes",
      panels: [
        {
          title: "Node CPU busy",
          type: "timeseries",
          unit: "percentunit",
          queries: [
            {
              expr: `1 - avg by (instance) (rate(node_cpu_seconds_total{${node},mode="idle"}[5m]))`,
              legend: "{{instance}}",
            },
          ],
        },
        {
          title: "Node memory available",
          type: "timeseries",
          unit: "percentunit",
          queries: [
            {
              expr: `node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}}`,
              legend: "{{instance}}",
            },
          ],
        },
        {
          title: "Node disk space available",
          type: "timeseries",
          unit: "percentunit",
          queries: [
            {
              expr: `node_filesystem_avail_bytes{${node},${FS}} / node_filesystem_size_bytes{${node},${FS}}`,
              legend: "{{instance}} {{mountpoint}}",
            },
          ],
        },
      ],
    });
  }
  return rows;
}

/** Every (panel title, PromQL) pair of the dashboard, for checking them against a live Prometheus. */
export function dashboardQueries(r: MonitoringArgs): { panel: string; expr: string }[] {
  return dashboardPanels(r).flatMap((row) =>
    row.panels.flatMap((p) => p.queries.map((q) => ({ panel: p.title, expr: q.expr }))),
  );
}

/** The Grafana dashboard model (JSON), rows as full-width collapsed=false row panels. */
export function buildDashboard(r: MonitoringArgs): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  const datasource = { type: "prometheus", uid: DATASOURCE_UID };
  for (const row of dashboardPanels(r)) {
    panels.push({
      id: id++,
      type: "row",
      title: row.row,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y: y++ },
      panels: [],
    });
    row.panels.forEach((p, i) => {
      panels.push({
        id: id++,
        type: p.type,
        title: p.title,
        datasource,
        gridPos: { h: 6, w: 8, x: (i % 3) * 8, y: y + Math.floor(i / 3) * 6 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.queries.map((q, k) => ({
          refId: String.fromCharCode(65 + k),
          datasource,
          expr: q.expr,
          legendFormat: q.legend,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 3) * 6;
  }
  return {
    uid: DASHBOARD_UID,
    title: "MoonTV",
    tags: ["moontv"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    panels,
  };
}
