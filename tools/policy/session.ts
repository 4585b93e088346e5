/**
 * A running policy pack, spawned and spoken to as the Pulumi CLI does: start the pack's program in its
 * own directory, read the port it prints, then GetAnalyzerInfo, Configure, Analyze per resource and
 * AnalyzeStack over the analyzer gRPC protocol.
 */
import type { ChildProcess } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { PolicyViolation, RecordedResource } from "./types";
import { EnforcementLevel, JsonSchema, PolicyDescriptor, PolicyPackConfigFile, reconcileConfig } from "./config";
import { PackProcess, spawnPackProcess, StartOptions, stopChild } from "./pack-process";
import { encodeProps } from "./struct";
import { analyzeRequestBytes, analyzeStackRequestBytes } from "./wire";

export interface PackInfo {
  name: string;
  version: string;
  policies: PolicyDescriptor[];
  initialConfig: Record<string, unknown>;
}

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [pb.EnforcementLevel.ADVISORY]: "advisory",
  [pb.EnforcementLevel.MANDATORY]: "mandatory",
  [pb.EnforcementLevel.DISABLED]: "disabled",
  [pb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES: Record<EnforcementLevel, pb.EnforcementLevel> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  disabled: pb.EnforcementLevel.DISABLED,
  remediate: pb.EnforcementLevel.REMEDIATE,
};

function call<Req, Res>(
  fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function options(r: RecordedResource): pb.AnalyzerResourceOptions {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  if (r.parent) o.setParent(r.parent);
  // retainOnDelete has no field in AnalyzerResourceOptions: the engine cannot send it either.
  return o;
}

/** One spawned pack process and a client connected to it. */
export class PackSession {
  private descriptions = new Map<string, string>();

  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
    private readonly client: AnalyzerClient,
  ) {}

  /** Spawns the pack and connects to it. Call `stop()` when done. */
  static start(opts: StartOptions = {}): Promise<PackSession> {
    return PackSession.connect(spawnPackProcess(opts));
  }

  /** Connects to an already spawned pack once it is ready; the session then owns the process. */
  static async connect(pack: PackProcess): Promise<PackSession> {
    const port = await pack.port;
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    return new PackSession(pack.child, port, client);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** GetAnalyzerInfo: the pack's name, version, policies with their default levels and config schemas. */
  async info(): Promise<PackInfo> {
    const info = await call<Empty, pb.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    const policies = info.getPoliciesList().map((p): PolicyDescriptor => {
      this.descriptions.set(p.getName(), p.getDescription());
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()],
        schema: schema && {
          properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>,
          required: schema.getRequiredList(),
        },
      };
    });
    const initialConfig: Record<string, unknown> = {};
    info.getInitialconfigMap().forEach((v, k) => {
      initialConfig[k] = {
        enforcementLevel: LEVEL_NAMES[v.getEnforcementlevel()],
        ...(v.getProperties()?.toJavaScript() ?? {}),
      };
    });
    return { name: info.getName(), version: info.getVersion(), policies, initialConfig };
  }

  /** Reconciles the config file with the pack's policies (as the CLI does) and sends Configure. */
  async configure(file: PolicyPackConfigFile): Promise<void> {
    const info = await this.info();
    const reconciled = reconcileConfig(info.policies, file, info.initialConfig);
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(reconciled)) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel]);
      pc.setProperties(Struct.fromJavaScript(c.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      req.getPolicyconfigMap().set(name, pc);
    }
    await call<pb.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
  }

  /** Analyze: the resource-level results for one resource (`props`: its encoded props, if already built). */
  async analyze(r: RecordedResource, props?: Uint8Array): Promise<PolicyViolation[]> {
    const envelope = new pb.AnalyzeRequest();
    envelope.setType(r.type);
    envelope.setUrn(r.urn);
    envelope.setName(r.name);
    envelope.setOptions(options(r));
    const req = analyzeRequestBytes(envelope, props ?? encodeProps(r.props, r.secretPaths));
    const res = await this.send("Analyze", req);
    return res.getDiagnosticsList().map((d) => this.toViolation(d, r.urn));
  }

  /** AnalyzeStack: the stack-level results over all resources (their props stand in for outputs). */
  async analyzeStack(
    resources: readonly RecordedResource[],
    props?: readonly Uint8Array[],
  ): Promise<PolicyViolation[]> {
    const req = analyzeStackRequestBytes(
      resources.map((r, i) => {
        const envelope = new pb.AnalyzerResource();
        envelope.setType(r.type);
        envelope.setUrn(r.urn);
        envelope.setName(r.name);
        envelope.setOptions(options(r));
        if (r.parent) envelope.setParent(r.parent);
        envelope.setDependenciesList(r.options.dependsOn);
        return { envelope, props: props?.[i] ?? encodeProps(r.props, r.secretPaths) };
      }),
    );
    const res = await this.send("AnalyzeStack", req);
    return res.getDiagnosticsList().map((d) => this.toViolation(d));
  }

  /** Closes the channel and ends the pack process (by its PID), waiting for it to exit. */
  async stop(): Promise<void> {
    this.client.close();
    await stopChild(this.process);
  }

  /** A unary call with an already encoded request (see ./wire), as the generated client would make it. */
  private send(method: "Analyze" | "AnalyzeStack", request: Buffer): Promise<pb.AnalyzeResponse> {
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        `/pulumirpc.Analyzer/${method}`,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => pb.AnalyzeResponse.deserializeBinary(new Uint8Array(bytes)),
        request,
        (err, res) => (err || !res ? reject(err ?? new Error(`${method} returned no response`)) : resolve(res)),
      ),
    );
  }

  private toViolation(d: pb.AnalyzeDiagnostic, urn?: string): PolicyViolation {
    // The pack prefixes each message with the policy's description; the report keeps only the finding.
    const description = d.getDescription() || this.descriptions.get(d.getPolicyname()) || "";
    const raw = d.getMessage();
    const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return {
      policy: d.getPolicyname(),
      enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
      urn: d.getUrn() || urn,
      message,
    };
  }
}
