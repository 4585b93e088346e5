/**
 * Asks a provider plugin binary for its version the way the engine does: start it, read the port it
 * prints, call ResourceProvider.GetPluginInfo over gRPC, stop it.
 */
import { spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emptyProto = require("google-protobuf/google/protobuf/empty_pb");

export function pluginVersion(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Providers take the engine's address as their argument; GetPluginInfo does not call back.
    const child = spawn(binary, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${binary} printed no port in 30 s: ${err}`));
    }, 30_000);
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const Client = grpc.makeGenericClientConstructor(providerGrpc.ResourceProviderService, "ResourceProvider");
      const client = new Client(`127.0.0.1:${m[1]}`, grpc.credentials.createInsecure()) as unknown as {
        getPluginInfo(req: unknown, cb: (e: Error | null, res: { getVersion(): string }) => void): void;
        close(): void;
      };
      client.getPluginInfo(new emptyProto.Empty(), (e, res) => {
        client.close();
        child.kill("SIGTERM");
        if (e) reject(e);
        else resolve(res.getVersion());
      });
    });
  });
}
