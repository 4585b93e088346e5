/**
 * Validates a rendered Kubernetes object against the OpenAPI schema shipped by kubernetes-models 4
 * (types, required fields, enums; unknown fields are not checked). Throws naming the object.
 */
export function validateKubernetesObject(obj: {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}): void {
  const { apiVersion, kind } = obj;
  if (!apiVersion || !kind) throw new Error(`object ${obj.metadata?.name} has no apiVersion/kind`);
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  let Model: new (o: unknown) => { validate(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as Record<string, new (o: unknown) => { validate(): void }>;
    Model = mod[kind] ?? mod.default;
  } catch {
    throw new Error(`no kubernetes-models schema for ${apiVersion} ${kind} (${modulePath})`);
  }
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${kind}/${obj.metadata?.name} is invalid: ${(err as Error).message}`);
  }
}
