import type { ZodTypeAny } from "zod";

/**
 * What a schema accepts, in words, for error messages ("a whole number from 1 to 64"). A ZodEffects
 * (a transform such as size()) states its own expectation in its description.
 */

interface Def {
  typeName?: string;
  innerType?: ZodTypeAny;
  schema?: ZodTypeAny;
  type?: ZodTypeAny;
  values?: readonly string[];
  options?: readonly ZodTypeAny[];
  checks?: { kind: string; value?: number }[];
  shape?: () => Record<string, ZodTypeAny>;
  description?: string;
}

const defOf = (t: ZodTypeAny) => t._def as Def;

/** Strips default/optional/nullable, and transforms too unless `keepDescribedEffects` and it has a description. */
function unwrap(t: ZodTypeAny, keepDescribedEffects = false): ZodTypeAny {
  const def = defOf(t);
  if (def.innerType) return unwrap(def.innerType, keepDescribedEffects);
  if (def.typeName === "ZodEffects" && def.schema && !(keepDescribedEffects && def.description)) {
    return unwrap(def.schema, keepDescribedEffects);
  }
  return t;
}

/** The field schema at `path` (array indices step into elements), as declared, with its description. */
export function schemaAt(schema: ZodTypeAny, path: readonly (string | number)[]): ZodTypeAny | undefined {
  let s: ZodTypeAny | undefined = schema;
  for (const p of path) {
    if (!s) return undefined;
    const def = defOf(unwrap(s));
    if (typeof p === "number" && def.typeName === "ZodArray") s = def.type;
    else if (typeof p === "string" && def.shape) s = def.shape()[p];
    else return undefined;
  }
  return s;
}

/** Keys a strict object schema accepts at `path`. */
export function keysAt(schema: ZodTypeAny, path: readonly (string | number)[]): string[] {
  const s = schemaAt(schema, path);
  const def = s && defOf(unwrap(s));
  return def?.shape ? Object.keys(def.shape()) : [];
}

function numberRange(checks: Def["checks"] = []): string {
  const min = checks.find((c) => c.kind === "min")?.value;
  const max = checks.find((c) => c.kind === "max")?.value;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max !== undefined ? ` ≤ ${max}` : "";
}

export function expectation(schema: ZodTypeAny): string {
  const t = unwrap(schema, true);
  const def = defOf(t);
  switch (def.typeName) {
    case "ZodEffects":
      return def.description!;
    case "ZodString":
      return "a string";
    case "ZodNumber":
      return (
        (def.checks?.some((c) => c.kind === "int") ? "a whole number" : "a number") + numberRange(def.checks)
      );
    case "ZodBoolean":
      return "true or false";
    case "ZodEnum":
      return `one of ${def.values!.join(", ")}`;
    case "ZodArray":
      return `a list, each ${expectation(def.type!)}`;
    case "ZodObject":
      return `a mapping with keys ${Object.keys(def.shape!()).join(", ")}`;
    case "ZodUnion":
      return def.options!.map(expectation).join(" or ");
    default:
      return String(def.typeName).replace(/^Zod/, "").toLowerCase();
  }
}
