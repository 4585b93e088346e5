/**
 * Policy pack benchmark: synthetic workloads analysed over gRPC by the spawned pack, as the CLI does
 * (Analyze per resource, then AnalyzeStack). Prints ms per resource for 100, 1,000 and 5,000
 * workloads and the growth between them (linear means a flat ms/resource), then the props codec on
 * its own: google-protobuf's encoder and decoder (what the pack pays per resource) against this
 * client's encoder. The pack's share of a real `pulumi preview` is `npm run bench:e2e`'s measure.
 * Run: npx ts-node bench/policy-bench.ts   (npm run bench:policy)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { analyzeAll, encodeProps, marshalProps, startPack } from "../tools/policy";
import { encodeStruct, Json } from "../tools/policy/wire";
import type { RecordedResource } from "../tools/policy/types";

const SIZES = [100, 1000, 5000];
const DIGEST = "sha256:" + "c".repeat(64);

/** A Deployment like the app's; every tenth one breaks a rule so violations are built and sent too. */
function workload(i: number): RecordedResource {
  const type = "kubernetes:apps/v1:Deployment";
  const name = `app-${i}`;
  const container = {
    name: "app",
    image: `ghcr.io/example/app-${i}@${DIGEST}`,
    ports: [{ name: "http", containerPort: 3000 }],
    env: [
      { name: "NODE_ENV", value: "production" },
      { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "p" } } },
    ],
    readinessProbe: { httpGet: { path: "/", port: "http" } },
    livenessProbe: { tcpSocket: { port: 3000 } },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: i % 10 === 0 ? 0 : 1001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    },
  };
  return {
    urn: `urn:pulumi:bench::moontv::${type}::${name}`,
    type,
    name,
    props: {
      metadata: { name, labels: { app: name } },
      spec: { replicas: 2, template: { spec: { containers: [container] } } },
    },
    secretPaths: [],
    options: { protect: false, retainOnDelete: false, dependsOn: [] },
  };
}

/** CPU ms used so far by a process (user + system), from /proc (Linux); 0 if unavailable. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** CPU ms of this process and of the pack together: robust to other load on the machine, unlike wall time. */
function cpuMs(packPid: number | undefined): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + processCpuMs(packPid);
}

async function main(): Promise<void> {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, "../policy/config/prod.json"), "utf8"));
  const t0 = performance.now();
  const pack = await startPack();
  console.log(`pack started in ${(performance.now() - t0).toFixed(0)} ms (pid ${pack.pid}, port ${pack.port})`);
  try {
    await pack.configure(config);
    await analyzeAll(
      pack,
      Array.from({ length: 300 }, (_, i) => workload(i)),
    ); // warm up the JIT on both sides
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );
    const rows: {
      n: number;
      ms: number;
      perResource: number;
      cpuPerResource: number;
      packCpuPerResource: number;
      violations: number;
    }[] = [];
    for (const n of SIZES) {
      const resources = Array.from({ length: n }, (_, i) => workload(i));
      const start = performance.now();
      const cpuStart = cpuMs(pack.pid);
      const packStart = processCpuMs(pack.pid);
      // As analyzeWithPack does: encode each resource's props once for Analyze and AnalyzeStack.
      const props = resources.map((r) => encodeProps(r.props, r.secretPaths));
      const found = [...(await analyzeAll(pack, resources, 16, props)), ...(await pack.analyzeStack(resources, props))];
      const ms = performance.now() - start;
      rows.push({
        n,
        ms,
        perResource: ms / n,
        cpuPerResource: (cpuMs(pack.pid) - cpuStart) / n,
        packCpuPerResource: (processCpuMs(pack.pid) - packStart) / n,
        violations: found.length,
      });
    }
    console.log("workloads | wall ms | wall ms/resource | CPU ms/resource client+pack (pack) | violations");
    for (const r of rows) {
      console.log(
        `${String(r.n).padStart(9)} | ${r.ms.toFixed(0).padStart(7)} | ${r.perResource.toFixed(3).padStart(16)} | ${r.cpuPerResource.toFixed(3).padStart(16)} (${r.packCpuPerResource.toFixed(3)}) | ${r.violations}`,
      );
    }
    const [small, mid, large] = rows;
    console.log(
      `growth 100 -> 1,000: x${(mid.ms / small.ms).toFixed(1)} time for x10 workloads; 1,000 -> 5,000: x${(large.ms / mid.ms).toFixed(1)} for x5`,
    );
    // Linear: the time per resource at 5,000 stays within 2x of that at 1,000.
    console.log(
      `linear: ${large.perResource < 2 * mid.perResource ? "yes" : "NO"} (ms/resource 5,000 vs 1,000: ${(large.perResource / mid.perResource).toFixed(2)})`,
    );
  } finally {
    await pack.stop();
  }
}

/** Microseconds per call of `run` over `items` (best of 3 passes, after one warm-up pass). */
function microsPerItem<T>(items: readonly T[], run: (item: T) => unknown): number {
  let best = Infinity;
  for (let pass = 0; pass < 4; pass++) {
    const start = performance.now();
    for (const item of items) run(item);
    if (pass > 0) best = Math.min(best, ((performance.now() - start) * 1000) / items.length);
  }
  return best;
}

/** The props codec alone, in this process: what the wire format costs each side per resource. */
function codecFigures(): void {
  const props = Array.from({ length: 2000 }, (_, i) => marshalProps(workload(i).props) as { [key: string]: Json });
  const bytes = props.map((p) => encodeStruct(p));
  const googleEncode = microsPerItem(props, (p) => Struct.fromJavaScript(p as never).serializeBinary());
  const ownEncode = microsPerItem(props, (p) => encodeStruct(p));
  const googleDecode = microsPerItem(bytes, (b) => Struct.deserializeBinary(b).toJavaScript());
  console.log(`props codec, one ${bytes[1].length}-byte Deployment (µs per resource):`);
  console.log(`  encode: google-protobuf ${googleEncode.toFixed(1)}, client encoder ${ownEncode.toFixed(1)}`);
  console.log(`  decode + toJavaScript (the pack's side): google-protobuf ${googleDecode.toFixed(1)}`);
}

main()
  .then(() => codecFigures())
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
