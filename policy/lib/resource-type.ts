/** Restricting a validation to one resource type by its token, without importing the provider's SDK. */
import { Resource } from "@pulumi/pulumi";
import { ResourceValidation, TypedResourceValidation, validateResourceOfType } from "@pulumi/policy";

type ResourceClass = new (name: string, args: Record<string, unknown>, ...rest: unknown[]) => Resource;

/**
 * A validation run only for resources of `token`. It goes through `validateResourceOfType` with a
 * stand-in class carrying the token, so the analyzer skips other types before deserialising their
 * props (the largest per-resource cost of the pack).
 */
export function forType(token: string, validate: TypedResourceValidation<Record<string, unknown>>): ResourceValidation {
  const standIn = Object.assign(class {}, { __pulumiType: token }) as unknown as ResourceClass;
  return validateResourceOfType(standIn, validate as TypedResourceValidation<unknown>) as ResourceValidation;
}
