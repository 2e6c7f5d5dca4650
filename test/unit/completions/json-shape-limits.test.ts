import { describe, expect, it } from "vitest";
import { limitedJsonObject, MAX_JSON_SCHEMA_DEPTH, MAX_JSON_SCHEMA_NODES, measureJson } from "../../../src/completions/json-shape-limits.js";

/** The depth and size limits on client JSON schemas (issue 14: a deep tool schema overflowed the stack). */

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { inner: value } : [value];
  return value;
}

describe("measureJson", () => {
  it("counts nesting levels and values without recursing, so 100,000 levels cannot overflow the stack", () => {
    expect(measureJson({ a: [1, { b: 2 }] }, { depth: 100, nodes: 100 })).toEqual({ depth: 3, nodes: 5 });
    expect(measureJson("x", { depth: 100, nodes: 100 })).toEqual({ depth: 0, nodes: 1 });
    expect(measureJson(nested(100_000), { depth: 64, nodes: 1_000_000 }).depth).toBe(65);
  });
});

describe("limitedJsonObject", () => {
  it("accepts a schema at the depth limit and refuses one level more, naming the limit", () => {
    const atLimit = { wrap: nested(MAX_JSON_SCHEMA_DEPTH - 1) };
    expect(limitedJsonObject.safeParse(atLimit).success).toBe(true);
    const beyond = limitedJsonObject.safeParse({ wrap: nested(MAX_JSON_SCHEMA_DEPTH) });
    expect(beyond.success).toBe(false);
    expect(beyond.error?.issues[0]?.message).toContain(`deeper than ${MAX_JSON_SCHEMA_DEPTH}`);
  });

  it("refuses a schema of more values than the size limit", () => {
    const wide = { enum: Array.from({ length: MAX_JSON_SCHEMA_NODES }, (_, index) => index) };
    const result = limitedJsonObject.safeParse(wide);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(`more than ${MAX_JSON_SCHEMA_NODES} values`);
    expect(limitedJsonObject.safeParse({ enum: [1, 2, 3] }).success).toBe(true);
  });
});
