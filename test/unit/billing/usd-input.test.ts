import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseUsd } from "../../../src/billing/money.js";
import { usdInput } from "../../../src/billing/usd-input.js";

/** Money at the edges (issue 14): every value the money parsers refuse is a zod issue, never a thrown RangeError. */

const schema = z.object({ bound: usdInput({ maximum: parseUsd("1000000"), strings: true }) });

function problemOf(value: unknown): string | undefined {
  const result = schema.safeParse({ bound: value });
  return result.success ? undefined : `${result.error.issues[0]?.path.join(".")}: ${result.error.issues[0]?.message}`;
}

describe("usdInput", () => {
  it("keeps numbers and decimal strings exact", () => {
    expect(schema.parse({ bound: 23077.35 }).bound).toBe(parseUsd("23077.35"));
    expect(schema.parse({ bound: "0.000000000001" }).bound).toBe(1n);
    expect(schema.parse({ bound: 1e-7 }).bound).toBe(parseUsd("0.0000001"));
  });

  it("refuses too many decimals, NaN-like text, negatives and values beyond the maximum, naming the field", () => {
    expect(problemOf("0.0000000000001")).toBe("bound: must have at most 12 decimal places");
    expect(problemOf(1e-13)).toBe("bound: must have at most 12 decimal places");
    expect(problemOf("NaN")).toBe("bound: must be a decimal number of USD, such as 0.5");
    expect(problemOf("Infinity")).toBe("bound: must be a decimal number of USD, such as 0.5");
    expect(problemOf(-1)).toBe("bound: must not be negative");
    expect(problemOf("-0.5")).toBe("bound: must not be negative");
    expect(problemOf(1e300)).toBe("bound: must be at most 1000000 USD");
    expect(problemOf(-1e300)).toBe("bound: must not be negative");
    expect(problemOf("9".repeat(10_000))).toBe("bound: must be at most 1000000 USD");
    expect(problemOf(1_000_000.5)).toBe("bound: must be at most 1000000 USD");
    expect(problemOf(true)).toContain("bound:");
  });

  it("takes numbers only unless strings are allowed", () => {
    const numbersOnly = usdInput({ maximum: parseUsd("10") });
    expect(numbersOnly.safeParse("5").success).toBe(false);
    expect(numbersOnly.safeParse(5).data).toBe(parseUsd("5"));
  });
});
