import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { measureDocument } from "../../../src/graphql/document-measure.js";

/** The pre-validation measure: fragments counted once, counts saturating, cycles found. */
describe("measureDocument", () => {
  it("counts selections, aliases and depth through fragments and inline fragments", () => {
    // The operation: ...F (1 + its 3), the inline fragment and b (2); the definition of F is counted once more (3).
    const document = parse("fragment F on Query { a: catalogRevision models { totalCount } } { ...F ... on Query { b: catalogRevision } }");
    expect(measureDocument(document, 1000)).toEqual({ selections: 9, aliases: 3, depth: 2, cycle: undefined });
  });

  it("saturates at the cap instead of walking a fragment explosion", () => {
    let source = "fragment F0 on Query { catalogRevision }\n";
    for (let level = 1; level < 30; level += 1) source += `fragment F${level} on Query { ${Array(10).fill(`...F${level - 1}`).join(" ")} }\n`;
    const measure = measureDocument(parse(`${source}{ ...F29 }`), 501);
    // 10^29 fields once expanded: only a walk that counts each fragment once finishes this test.
    expect(measure.selections).toBe(501);
  });

  it("finds fragment cycles, direct and indirect", () => {
    expect(measureDocument(parse("fragment A on Query { ...A } { ...A }"), 100).cycle).toBe("A");
    expect(measureDocument(parse("fragment A on Query { ...B } fragment B on Query { models { ...C } } fragment C on ModelConnection { __typename ... on ModelConnection { ...D } } fragment D on ModelConnection { ...C } { ...A }"), 100).cycle).toBeDefined();
  });

  it("does not count introspection towards depth, and ignores unknown fragments", () => {
    const measure = measureDocument(parse("{ __schema { types { fields { type { ofType { name } } } } } ...Missing }"), 100);
    expect(measure.depth).toBe(0);
    expect(measure.cycle).toBeUndefined();
  });
});
