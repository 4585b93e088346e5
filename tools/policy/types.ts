/** What the policy client takes in (resources as recorded by a preview) and gives back (its results). */

/** A resource as the offline preview records it from the mock runtime. */
export interface RecordedResource {
  /** Full URN, `urn:pulumi:<stack>::moontv::<parent types$>type::name`. */
  urn: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`, `moontv:app:MoonTv`. */
  type: string;
  /** The logical name given to the resource. */
  name: string;
  /** URN of the parent resource, if any. */
  parent?: string;
  /** Resource inputs as plain JSON. Secret values are present in clear here (the policy pack must see them). */
  props: Record<string, unknown>;
  /** Paths (dotted, e.g. `stringData.PASSWORD`) of props that are Pulumi secrets; used to redact files. */
  secretPaths: string[];
  /** Resource options that policies may inspect. */
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    dependsOn: string[];
    provider?: string;
    ignoreChanges?: string[];
  };
}

/** One policy result, in the order the analyzer returned them; the shape of `policy-report.json`. */
export interface PolicyViolation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
  /** URN of the resource, or undefined for a stack-level violation without one. */
  urn?: string;
  message: string;
}
