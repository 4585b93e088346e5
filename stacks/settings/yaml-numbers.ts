import { z } from "zod";

/**
 * Unquoted `1`, `20`, `7.4` or `1234567` in a stack file are YAML numbers, and
 * `pulumi config set --path moontv:app.resources.limits.cpu 1` stores `1` as one; the engine hands
 * structured config to the program as JSON, where they stay numbers. Settings that are text (CPU
 * quantities, versions, tags, commit ids) take such a number as the text it was written as, when that
 * text can be told from the number; otherwise they refuse it and say to quote it.
 */

/** The text a YAML number was written as, or undefined when the number cannot give it back exactly. */
export function numberAsText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  // Past 2^53 the JSON number was rounded on the way here: the digits written are gone.
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return undefined;
  // Go's encoder (the engine) and String() both print the shortest text that reads back as n.
  return String(n);
}

/** Why a YAML number cannot stand for a git commit id, or undefined when its digits are the commit's. */
export function commitNumberProblem(n: number): string | undefined {
  if (!Number.isSafeInteger(n) || n < 0) {
    return "YAML read the commit id as a number and lost its digits (a fraction, an exponent or more than 15 digits)";
  }
  const digits = String(n);
  if (digits.length < 7) return `YAML read the commit id as the number ${digits} and dropped its leading zeros`;
  // A commit id such as 12345e2 is the YAML float 1234500: a number ending in 0 may be one of those.
  if (digits.endsWith("0")) return `YAML may have read the commit id as a number with an exponent (12345e2 is 1234500)`;
  return undefined;
}

type Convert = (n: number) => { text: string } | { problem: string };

/** Passes strings through, turns numbers into text with `convert` (or an issue saying to quote the value). */
function numbersAsText<T extends z.ZodType>(schema: T, convert: Convert, quoteHint: string) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== "number") return value;
    const result = convert(value);
    if ("text" in result) return result.text;
    ctx.issues.push({
      code: "custom",
      input: value,
      message: `${result.problem}: quote it in the stack file (${quoteHint}) or set it with \`pulumi config set --type string --path …\``,
    });
    return value;
  }, schema);
}

const plainNumber: Convert = (n) => {
  const text = numberAsText(n);
  return text === undefined ? { problem: `YAML read ${n} as a number too large to keep its digits` } : { text };
};

/** A quantity, version or tag that may be written as a YAML number (`cpu: 1`, `nodeVersion: 20`). */
export function textOrNumber<T extends z.ZodType>(schema: T, example: string) {
  return numbersAsText(schema, plainNumber, example);
}

/** A git commit id that may be written as a YAML number when it is all digits (`gitSha: 1234567`). */
export function commitOrNumber<T extends z.ZodType>(schema: T) {
  return numbersAsText(
    schema,
    (n) => {
      const problem = commitNumberProblem(n);
      return problem ? { problem } : { text: String(n) };
    },
    'gitSha: "0123456"',
  );
}

/** An annotation value: YAML `true` and `600` are the strings "true" and "600" to Kubernetes. */
export function annotationValue<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "boolean" ? String(value) : value),
    numbersAsText(schema, plainNumber, '"600"'),
  );
}
