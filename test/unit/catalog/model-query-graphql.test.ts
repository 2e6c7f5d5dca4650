import { Kind } from "graphql";
import { describe, expect, it } from "vitest";
import { decodeModelCursor, encodeModelCursor, pageWindow } from "../../../src/graphql/catalog/model-page.js";
import { Pricing } from "../../../src/graphql/catalog/pricing.type.js";
import { DecimalScalar, normaliseDecimal } from "../../../src/graphql/scalars/decimal.scalar.js";

/** The pure pieces between `listModels` and GraphQL: the Decimal scalar, per-million prices, cursors and page windows. */

describe("Decimal scalar", () => {
  it.each([
    ["0.000002500000", "0.0000025"],
    ["2.5", "2.5"],
    ["10.000", "10"],
    ["007", "7"],
    ["0", "0"],
    ["-0.0", "0"],
    ["+1.50", "1.5"],
    ["-0.001", "-0.001"],
    ["123456789012345678901234567890.000000000001", "123456789012345678901234567890.000000000001"],
  ])("normalises %s to %s", (input, output) => {
    expect(normaliseDecimal(input)).toBe(output);
    expect(DecimalScalar.serialize(input)).toBe(output);
  });

  it.each(["1e-6", "abc", "", ".5", "5.", "1,5", "0x10", "NaN", "Infinity"])("refuses %j", (input) => {
    expect(normaliseDecimal(input)).toBeUndefined();
    expect(() => DecimalScalar.parseValue(input)).toThrow(/plain decimal/);
  });

  it("never serialises a float, even one that looks right", () => {
    expect(() => DecimalScalar.serialize(0.5)).toThrow();
    expect(DecimalScalar.serialize(25n)).toBe("25");
  });

  it("accepts string and integer literals, refuses float literals", () => {
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: " 0.10 " })).toBe("0.1");
    expect(DecimalScalar.parseLiteral({ kind: Kind.INT, value: "3" })).toBe("3");
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: "0.5" })).toThrow(/float literal/);
    expect(DecimalScalar.parseValue(3)).toBe("3");
    expect(() => DecimalScalar.parseValue(0.1)).toThrow();
  });
});

describe("Pricing", () => {
  it("derives per-million prices exactly", () => {
    const pricing = Pricing.from({
      prompt: "0.0000025",
      completion: "0.00001",
      request: "0",
      image: "0.001",
      inputCacheRead: "0.00000125",
      inputCacheWrite: "0.000003125",
      internalReasoning: "0.000000000001",
    });
    expect(pricing).toMatchObject({
      prompt: "0.0000025",
      promptPerMillion: "2.5",
      completionPerMillion: "10",
      inputCacheReadPerMillion: "1.25",
      inputCacheWritePerMillion: "3.125",
      internalReasoningPerMillion: "0.000001",
    });
  });
});

describe("model cursors and page windows", () => {
  it("round-trips positions through opaque cursors", () => {
    for (const position of [0, 1, 19, 12345]) {
      const cursor = encodeModelCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(String(position));
      expect(decodeModelCursor(cursor)).toBe(position);
    }
  });

  it("refuses cursors it did not make", () => {
    for (const cursor of ["", "abc", Buffer.from("models:-1").toString("base64url"), Buffer.from("models:x").toString("base64url"), "a b"]) {
      expect(() => decodeModelCursor(cursor), cursor).toThrow(/cursor/);
    }
  });

  it("turns first/after into limit/offset, within 0..100", () => {
    expect(pageWindow({})).toEqual({ limit: 20, offset: 0 });
    expect(pageWindow({ first: null, after: null })).toEqual({ limit: 20, offset: 0 });
    expect(pageWindow({ first: 5, after: encodeModelCursor(9) })).toEqual({ limit: 5, offset: 10 });
    expect(pageWindow({ first: 100 })).toEqual({ limit: 100, offset: 0 });
    expect(() => pageWindow({ first: 101 })).toThrow(/between 0 and 100/);
    expect(() => pageWindow({ first: -1 })).toThrow(/between 0 and 100/);
  });
});
