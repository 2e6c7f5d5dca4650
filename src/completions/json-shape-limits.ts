import { z } from "zod";

/**
 * Limits on JSON values a client hands us to forward as they are (a tool's `parameters` schema, a
 * `response_format` schema). Such a value is serialised for the upstream and walked by the prompt estimate, both
 * recursively: a schema a few thousand levels deep overflowed the stack and answered 500, and a very large one
 * costs every request that carries it. OpenAI documents far smaller limits for strict schemas (10 levels of
 * nesting, 5,000 properties), so real schemas stay well inside these.
 */

/** Deepest nesting of objects and arrays, counting each level of either (about 30 levels of `properties`). */
export const MAX_JSON_SCHEMA_DEPTH = 64;
/** Most values (objects, arrays, strings, numbers, ...) in one schema. */
export const MAX_JSON_SCHEMA_NODES = 20_000;

/** Depth and number of values of a JSON value, walked without recursion and stopping once past `limits`. */
export function measureJson(value: unknown, limits: { depth: number; nodes: number }): { depth: number; nodes: number } {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let depth = 0;
  let nodes = 0;
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; depth: number };
    nodes += 1;
    if (next.depth > depth) depth = next.depth;
    if (depth > limits.depth || nodes > limits.nodes) break;
    if (typeof next.value !== "object" || next.value === null) continue;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) pending.push({ value: child, depth: next.depth + 1 });
  }
  return { depth, nodes };
}

/**
 * A JSON object (a JSON schema) within the depth and size limits above; beyond them, a zod issue saying which
 * limit, so the 400 names the field.
 */
export const limitedJsonObject = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  const measured = measureJson(value, { depth: MAX_JSON_SCHEMA_DEPTH, nodes: MAX_JSON_SCHEMA_NODES });
  if (measured.depth > MAX_JSON_SCHEMA_DEPTH) {
    context.addIssue({ code: "custom", message: `nests deeper than ${MAX_JSON_SCHEMA_DEPTH} levels of objects and arrays` });
  } else if (measured.nodes > MAX_JSON_SCHEMA_NODES) {
    context.addIssue({ code: "custom", message: `holds more than ${MAX_JSON_SCHEMA_NODES} values` });
  }
});
