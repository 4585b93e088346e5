/**
 * A Node.js language host for the real Pulumi CLI, of this project's own making.
 *
 * Why: Pulumi's own host (`pulumi-language-nodejs`, module github.com/pulumi/pulumi/sdk/nodejs/cmd/
 * pulumi-language-nodejs/v3) is refused by the Go module proxy at every version, so it cannot be built
 * here. This host does what that one does for running programs and policy packs, and no more: it starts
 * the SDK's own `@pulumi/pulumi/cmd/run` (programs) or `cmd/run-policy-pack` / `cmd/run-plugin` (plugins)
 * with the same arguments and environment, so the program itself runs exactly as under the real host.
 * Dependency installation, code generation and packing are not offered (they answer UNIMPLEMENTED).
 * Checked against @pulumi/pulumi 3.276.0 and the CLI of the same release (test/engine/language-host.spec.ts
 * holds it to the installed SDK). One difference for policy packs: the real host also proxies the pack's
 * gRPC to copy the stack the CLI sends in ConfigureStack into PULUMI_NODEJS_STACK and friends, for packs
 * older than that call; @pulumi/policy takes it through ConfigureStack itself, so this host does not.
 *
 * Protocol: started by the CLI with the engine's address as its last argument; prints its own port on
 * the first line of stdout; serves pulumirpc.LanguageRuntime.
 */
import { spawn, type ChildProcess } from "child_process";
import * as nodeModule from "module";
import * as net from "net";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
// The generated stubs ship untyped JavaScript inside @pulumi/pulumi.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const langGrpc = require("@pulumi/pulumi/proto/language_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const langProto = require("@pulumi/pulumi/proto/language_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pluginProto = require("@pulumi/pulumi/proto/plugin_pb");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SDK_VERSION: string = require("@pulumi/pulumi/package.json").version;

/** Exit code by which `cmd/run` says it already showed the user an actionable message. */
const EXIT_AFTER_USER_MESSAGE = 32;

/** Preloaded into every child: it exits when this host is gone (see the file). */
const EXIT_WITH_HOST = ["-r", path.join(__dirname, "exit-with-host.js")];

/**
 * The programs and plugins this host started and that still run: ended with the host, whatever ends it
 * (the engine gone, SIGTERM or SIGINT from the CLI), so that no `pulumi` command leaves one behind.
 */
const children = new Set<ChildProcess>();

function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

function killChildren(): void {
  for (const child of children) child.kill("SIGKILL");
}

type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;
/* eslint-disable @typescript-eslint/no-explicit-any -- jspb messages are untyped */
type Call = { request: any };

/** Project runtime options (`runtime.options` of Pulumi.yaml) that change how node runs the program. */
export interface RuntimeOptions {
  typescript: boolean;
  tsconfigpath?: string;
  nodeargs: string[];
}

export function parseRuntimeOptions(options: Record<string, unknown> | undefined): RuntimeOptions {
  const o = options ?? {};
  return {
    // As the real host: TypeScript is on unless the project turns it off.
    typescript: o.typescript === undefined ? true : o.typescript === true || o.typescript === "true",
    tsconfigpath: typeof o.tsconfig === "string" ? o.tsconfig : undefined,
    nodeargs: typeof o.nodeargs === "string" && o.nodeargs.trim() ? o.nodeargs.trim().split(/\s+/) : [],
  };
}

/** The command line of `cmd/run` for a RunRequest, in the real host's order. */
export function runArguments(
  runPath: string,
  req: {
    monitor: string;
    engine: string;
    organization?: string;
    project: string;
    rootDirectory?: string;
    stack: string;
    pwd: string;
    dryRun: boolean;
    parallel: number;
    entryPoint: string;
    args: string[];
  },
): string[] {
  const args = [runPath];
  const add = (k: string, v: string | undefined) => {
    if (v) args.push(`--${k}`, v);
  };
  add("monitor", req.monitor);
  add("engine", req.engine);
  add("organization", req.organization);
  add("project", req.project);
  add("root-directory", req.rootDirectory);
  add("stack", req.stack);
  add("pwd", req.pwd);
  if (req.dryRun) args.push("--dry-run");
  add("parallel", String(req.parallel));
  args.push(req.entryPoint || ".", ...req.args);
  return args;
}

/** Config keys as the SDK's run command expects them: `<namespace>:config:<name>`. */
export function legacyConfig(config: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of config) {
    const i = key.indexOf(":");
    const rest = key.slice(i + 1);
    out[rest.startsWith("config:") ? key : `${key.slice(0, i)}:config:${rest}`] = value;
  }
  return out;
}

function jspbMapEntries(map: { forEach(f: (v: string, k: string) => void): void }): [string, string][] {
  const out: [string, string][] = [];
  map.forEach((v, k) => out.push([k, v]));
  return out;
}

function resolveFrom(dir: string, request: string): string {
  return require.resolve(request, { paths: [dir] });
}

function options(info: any): RuntimeOptions {
  return parseRuntimeOptions(info?.getOptions()?.toJavaScript());
}

class NodeLanguageHost {
  engineAddress: string;
  constructor(engineAddress: string) {
    this.engineAddress = engineAddress;
  }

  handshake(call: Call, cb: Callback): void {
    this.engineAddress = call.request.getEngineAddress() || this.engineAddress;
    cb(null, new langProto.LanguageHandshakeResponse());
  }

  // Plugins are found when resources register (from PATH or the plugin cache); nothing to pre-install.
  getRequiredPlugins(_call: Call, cb: Callback): void {
    cb(null, new langProto.GetRequiredPluginsResponse());
  }

  getRequiredPackages(_call: Call, cb: Callback): void {
    cb(null, new langProto.GetRequiredPackagesResponse());
  }

  getPluginInfo(_call: Call, cb: Callback): void {
    const info = new pluginProto.PluginInfo();
    info.setVersion(SDK_VERSION);
    cb(null, info);
  }

  runtimeOptionsPrompts(_call: Call, cb: Callback): void {
    cb(null, new langProto.RuntimeOptionsResponse());
  }

  about(_call: Call, cb: Callback): void {
    const res = new langProto.AboutResponse();
    res.setExecutable(process.execPath);
    res.setVersion(process.version);
    cb(null, res);
  }

  getProgramDependencies(_call: Call, cb: Callback): void {
    cb(null, new langProto.GetProgramDependenciesResponse());
  }

  run(call: Call, cb: Callback): void {
    const req = call.request;
    const info = req.getInfo();
    const programDir: string = info?.getProgramDirectory() || req.getPwd();
    const respond = (error: string, bail = false) => {
      const res = new langProto.RunResponse();
      res.setError(error);
      res.setBail(bail);
      cb(null, res);
    };
    let runPath: string;
    try {
      runPath = resolveFrom(programDir, "@pulumi/pulumi/cmd/run");
    } catch {
      return respond(`could not find @pulumi/pulumi in ${programDir}: run \`npm ci\` in the project`);
    }
    const opts = options(info);
    const args = runArguments(runPath, {
      monitor: req.getMonitorAddress(),
      engine: this.engineAddress,
      organization: req.getOrganization(),
      project: req.getProject(),
      rootDirectory: info?.getRootDirectory(),
      stack: req.getStack(),
      pwd: programDir,
      dryRun: req.getDryrun(),
      parallel: req.getParallel(),
      entryPoint: info?.getEntryPoint() || req.getProgram() || ".",
      args: req.getArgsList(),
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(legacyConfig(jspbMapEntries(req.getConfigMap()))),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList() ?? []),
    };
    if (opts.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (opts.tsconfigpath) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfigpath;
    // stdout and stderr go straight to ours, which the CLI shows as the program's output.
    const child = track(
      spawn(process.execPath, [...EXIT_WITH_HOST, ...opts.nodeargs, ...args], {
        cwd: programDir,
        env,
        stdio: ["ignore", "inherit", "inherit"],
      }),
    );
    child.on("error", (err) => respond(`Problem executing program (could not run language executor): ${err.message}`));
    child.on("exit", (code, signal) => {
      if (code === 0) return respond("");
      if (code === EXIT_AFTER_USER_MESSAGE) return respond("", true);
      respond(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
    });
  }

  /** Policy packs (kind "analyzer") and other Node.js plugins, output streamed back to the CLI. */
  runPlugin(call: grpc.ServerWritableStream<any, any>): void {
    const req = call.request;
    const info = req.getInfo();
    const programDir: string = info.getProgramDirectory();
    const analyzer = req.getKind() === "analyzer";
    const opts = options(info);
    const env: NodeJS.ProcessEnv = {};
    for (const kv of req.getEnvList() as string[]) {
      const i = kv.indexOf("=");
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    if (opts.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (opts.tsconfigpath) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfigpath;
    let runPath: string;
    try {
      runPath = resolveFrom(
        programDir,
        analyzer ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin",
      );
    } catch {
      call.emit("error", {
        code: grpc.status.FAILED_PRECONDITION,
        details: `could not find @pulumi/pulumi from ${programDir}`,
      });
      return;
    }
    // As the real host: a policy pack gets its directory last and runs in it; other plugins get it first.
    const args = analyzer
      ? [runPath, ...opts.nodeargs, ...req.getArgsList(), programDir]
      : [runPath, ...opts.nodeargs, programDir, ...req.getArgsList()];
    const child = track(
      spawn(process.execPath, [...EXIT_WITH_HOST, ...args], {
        cwd: analyzer ? programDir : req.getPwd(),
        env,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    const send = (field: "setStdout" | "setStderr", data: Buffer) => {
      const res = new langProto.RunPluginResponse();
      res[field](new Uint8Array(data));
      call.write(res);
    };
    child.stdout.on("data", (d: Buffer) => send("setStdout", d));
    child.stderr.on("data", (d: Buffer) => send("setStderr", d));
    child.on("exit", (code) => {
      const res = new langProto.RunPluginResponse();
      res.setExitcode(code ?? 1);
      call.write(res);
      call.end();
    });
    call.on("cancelled", () => child.kill("SIGTERM"));
  }
}

/**
 * Exits once the engine is gone (as the real host's health check does): a CLI killed mid-update must not
 * leave its language host serving forever.
 */
function exitWhenEngineGone(host: NodeLanguageHost): void {
  let failures = 0;
  const timer = setInterval(() => {
    const [h, p] = host.engineAddress.split(/:(?=\d+$)/);
    if (!p) return;
    const socket = net.connect({ host: h, port: Number(p) }, () => {
      failures = 0;
      socket.destroy();
    });
    socket.on("error", () => {
      if (++failures >= 3) process.exit(1);
    });
  }, 1000);
  timer.unref();
}

function main(): void {
  const positional = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const host = new NodeLanguageHost(positional[positional.length - 1] ?? "");
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const impl: Record<string, unknown> = {};
  for (const name of Object.keys(langGrpc.LanguageRuntimeService)) {
    const method = (host as unknown as Record<string, unknown>)[name];
    impl[name] =
      typeof method === "function"
        ? method.bind(host)
        : (_call: unknown, cb?: Callback) => {
            const err = {
              code: grpc.status.UNIMPLEMENTED,
              details: `${name} is not offered by this language host`,
            } as grpc.ServiceError;
            if (cb) cb(err);
            else (_call as grpc.ServerWritableStream<unknown, unknown>).emit("error", err);
          };
  }
  exitWhenEngineGone(host);
  process.on("exit", killChildren);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => process.exit(1));
  server.addService(langGrpc.LanguageRuntimeService, impl as grpc.UntypedServiceImplementation);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`language host: ${err.message}\n`);
      process.exit(1);
    }
    // The CLI ends this host with a signal, so Node's compile cache (NODE_COMPILE_CACHE) is never
    // written at exit; written before the port is announced, the next host starts warm whenever it is killed.
    nodeModule.flushCompileCache?.();
    process.stdout.write(`${port}\n`);
  });
}

if (require.main === module) main();
export { NodeLanguageHost };
