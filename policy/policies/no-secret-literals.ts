import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeContainer, podTemplateOf } from "../lib/pod-templates";
import { hasUrlCredentials, isSecretName, secretAssignments } from "../lib/secrets";
import { at, isUnknown, items, keysOf, UNKNOWN } from "../lib/unknown";

/** Problems of a container's env list: secret-named literals and URLs with credentials. */
export function envProblems(env: unknown, who: string): string[] {
  const list = items(env);
  if (list === UNKNOWN) return [];
  const problems: string[] = [];
  for (const entry of list) {
    const name = at(entry, "name");
    const value = at(entry, "value");
    if (typeof name !== "string" || typeof value !== "string" || value === "") continue;
    if (isSecretName(name))
      problems.push(`${who} sets ${name} as a literal env value; take it from a Secret with valueFrom.secretKeyRef.`);
    else if (hasUrlCredentials(value))
      problems.push(`${who} sets ${name} to a URL with credentials; take it from a Secret.`);
  }
  return problems;
}

/** Problems of a ConfigMap's data: secret-named keys, URLs with credentials, secret assignments in files. */
export function configMapProblems(data: unknown): string[] {
  const problems: string[] = [];
  for (const key of keysOf(data)) {
    const value = at(data, key);
    if (isUnknown(value) || typeof value !== "string" || value === "") continue;
    if (isSecretName(key)) problems.push(`The ConfigMap holds "${key}", which looks like a secret; use a Secret.`);
    else if (hasUrlCredentials(value))
      problems.push(`The ConfigMap's "${key}" holds a URL with credentials; use a Secret.`);
    else {
      for (const found of secretAssignments(value)) {
        problems.push(`The ConfigMap's "${key}" assigns ${found} a literal value; use a Secret.`);
      }
    }
  }
  return problems;
}

export const noSecretLiterals: ResourceValidationPolicy = {
  name: "no-secret-literals",
  description:
    "No password, token, key or credential-bearing URL is written as a literal env value or into a ConfigMap.",
  validateResource: (args, report) => {
    if (args.type === "kubernetes:core/v1:ConfigMap") {
      for (const problem of configMapProblems(at(args.props, "data"))) report(problem);
      return;
    }
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    for (const ref of containersOf(template)) {
      for (const problem of envProblems(at(ref.container, "env"), `${describeContainer(ref)} (${ref.path})`))
        report(problem);
    }
  },
};
