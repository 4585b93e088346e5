// How Kubernetes runs a container of the program on an image, for the stand-in specs that run images in
// engine/image/sandbox.ts.
import * as fs from "fs";
import * as path from "path";
import type * as k8s from "@pulumi/kubernetes";
import type { ImageConfig } from "../../engine/image/buildah";

export type Container = k8s.types.input.core.v1.Container;

/** The process a container runs, as Kubernetes starts it: `command` replaces the image's ENTRYPOINT and,
 * without `args`, its CMD too; `args` replace its CMD; runAsUser/runAsGroup replace its USER. */
export function asContainerRuns(image: ImageConfig, c: Container, uid: number, gid: number): ImageConfig {
  const command = c.command as string[] | undefined;
  const args = c.args as string[] | undefined;
  return {
    ...image,
    User: `${uid}:${gid}`,
    Entrypoint: command ?? image.Entrypoint,
    Cmd: args ?? (command ? [] : image.Cmd),
  };
}

/** The image's USER as `uid:gid`, a name looked up in the image's own /etc/passwd (root when unset). */
export function numericImageUser(root: string, user: string | undefined): string {
  if (!user) return "0:0";
  const [name, group] = user.split(":");
  if (/^\d+$/.test(name)) return `${name}:${group ?? name}`;
  const passwd = fs.readFileSync(path.join(root, "etc/passwd"), "utf8");
  const entry = passwd.split("\n").find((l) => l.startsWith(`${name}:`));
  if (!entry) throw new Error(`USER ${name} is not in the image's /etc/passwd`);
  const [, , uid, gid] = entry.split(":");
  return `${uid}:${group ?? gid}`;
}
