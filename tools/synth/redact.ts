import type { RecordedResource } from "../policy/types";

export const REDACTED = "[secret]";

/** The props of a resource with every secret path, and every value of a Secret's data, replaced. */
export function redactedProps(resource: RecordedResource): Record<string, unknown> {
  const props = structuredClone(resource.props);
  for (const p of resource.secretPaths) setAt(props, p);
  if (resource.type === "kubernetes:core/v1:Secret") {
    // The Kubernetes provider treats all Secret data as secret, whatever the program marked.
    for (const field of ["data", "stringData"]) {
      const map = props[field];
      if (map && typeof map === "object")
        for (const k of Object.keys(map)) (map as Record<string, unknown>)[k] = REDACTED;
    }
  }
  return props;
}

/** Replaces the value at a path like `a.b[2].c` (or the whole object for the empty path). */
function setAt(root: Record<string, unknown>, path: string): void {
  if (path === "") {
    for (const k of Object.keys(root)) root[k] = REDACTED;
    return;
  }
  const segments = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let cur: unknown = root;
  for (const seg of segments.slice(0, -1)) {
    if (typeof cur !== "object" || cur === null) return;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (typeof cur === "object" && cur !== null)
    (cur as Record<string, unknown>)[segments[segments.length - 1]] = REDACTED;
}
