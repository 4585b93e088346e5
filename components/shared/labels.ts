/** The recommended Kubernetes labels (app.kubernetes.io/*) that every object of the platform carries. */
export const PART_OF = "moontv";
export const MANAGED_BY = "pulumi";

export interface LabelParts {
  /** The application or service name, e.g. `moontv`, `redis`, `prometheus`. */
  name: string;
  /** The instance, normally the stack name (`dev`, `prod`). */
  instance: string;
  /** The role within the platform, e.g. `web`, `cache`, `monitoring`. */
  component: string;
}

export type Labels = Record<string, string>;

/** All five recommended labels. */
export function standardLabels(parts: LabelParts): Labels {
  return {
    "app.kubernetes.io/name": parts.name,
    "app.kubernetes.io/instance": parts.instance,
    "app.kubernetes.io/component": parts.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/**
 * The subset used in selectors: selectors are immutable on Deployments and StatefulSets, so they hold
 * only labels that never change for the life of the workload.
 */
export function selectorLabels(parts: Pick<LabelParts, "name" | "instance">): Labels {
  return {
    "app.kubernetes.io/name": parts.name,
    "app.kubernetes.io/instance": parts.instance,
  };
}
