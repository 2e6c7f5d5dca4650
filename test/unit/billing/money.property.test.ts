import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUsd, InvalidAmountError, MAX_AMOUNT, maxAmount, minAmount, multiplyRational, parseUsd, usd, usdFromJsonNumber } from "../../../src/billing/money.js";
import { applyRate, compareRates, formatRate, parseRate } from "../../../src/billing/rate.js";
import { readCatalogFile } from "../../../src/catalog/seed.js";

/** Property-based tests of the exact money arithmetic: pico-dollar bigints, never floats. */

const BIGINT_LIMIT = 2n ** 63n - 1n;
const amounts = fc.bigInt({ min: -BIGINT_LIMIT, max: BIGINT_LIMIT });
const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 9_000_000n }), fc.string({ unit: fc.constantFrom(..."0123456789".split("")), maxLength: 12 }))
  .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`);

describe("parseUsd and formatUsd", () => {
  it("round-trip every amount a Postgres bigint can hold", () => {
    fc.assert(fc.property(amounts, (amount) => parseUsd(formatUsd(amount)) === amount));
  });

  it("parse any decimal with up to 12 places exactly, and print it back canonically", () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const amount = parseUsd(text);
        const printed = formatUsd(amount);
        expect(parseUsd(printed)).toBe(amount);
        expect(printed).not.toMatch(/\.\d*0$/);
        // The value is the decimal's value, compared as rationals without floats.
        const [whole = "0", fraction = ""] = text.replace("-", "").split(".");
        const expected = BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, "0") || "0");
        expect(amount).toBe(text.startsWith("-") ? -expected : expected);
      }),
    );
  });

  it("refuse more than 12 significant decimal places instead of rounding, and accept trailing zeros", () => {
    expect(() => parseUsd("0.0000000000001")).toThrow(RangeError);
    expect(parseUsd("1.0000000000000")).toBe(10n ** 12n);
    expect(() => parseUsd("1e-6")).toThrow(RangeError);
    expect(() => parseUsd("")).toThrow(RangeError);
  });

  it("usdFromJsonNumber keeps the digits a client wrote in a JSON number (the REST limit inputs)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000 }), fc.integer({ min: 0, max: 6 }), (units, places) => {
        const digits = String(units).padStart(places + 1, "0");
        const decimal = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
        return usdFromJsonNumber(Number(decimal)) === parseUsd(decimal);
      }),
    );
    expect(usdFromJsonNumber(23077.35)).toBe(parseUsd("23077.35"));
    expect(usdFromJsonNumber(1e-7)).toBe(parseUsd("0.0000001"));
    expect(usdFromJsonNumber(1.5e6)).toBe(parseUsd("1500000"));
    expect(usdFromJsonNumber(-2e-12)).toBe(-2n);
    expect(() => usdFromJsonNumber(-2.5e-12)).toThrow(RangeError);
    expect(() => usdFromJsonNumber(1e-13)).toThrow(RangeError);
    expect(() => usdFromJsonNumber(Number.NaN)).toThrow(RangeError);
  });

  it("refuse with a typed InvalidAmountError saying why, including amounts no bigint column holds (issue 14)", () => {
    const reasonOf = (parse: () => unknown): unknown => {
      try {
        parse();
      } catch (error) {
        return error instanceof InvalidAmountError ? error.reason : error;
      }
      return "accepted";
    };
    expect(reasonOf(() => parseUsd("0.0000000000001"))).toBe("too_many_decimals");
    expect(reasonOf(() => parseUsd("NaN"))).toBe("not_decimal");
    expect(reasonOf(() => parseUsd("1e5"))).toBe("not_decimal");
    expect(reasonOf(() => parseUsd(formatUsd(MAX_AMOUNT)))).toBe("accepted");
    expect(reasonOf(() => parseUsd(formatUsd(MAX_AMOUNT + 1n)))).toBe("out_of_range");
    expect(reasonOf(() => parseUsd(`-${formatUsd(MAX_AMOUNT + 1n)}`))).toBe("out_of_range");
    expect(reasonOf(() => parseUsd("9".repeat(100_000)))).toBe("out_of_range");
    expect(reasonOf(() => parseUsd(`000000000000000001.5`))).toBe("accepted");
    expect(reasonOf(() => usdFromJsonNumber(1.5e21))).toBe("out_of_range");
    expect(reasonOf(() => usdFromJsonNumber(-1e300))).toBe("out_of_range");
    expect(reasonOf(() => usdFromJsonNumber(Number.POSITIVE_INFINITY))).toBe("not_finite");
    expect(reasonOf(() => usdFromJsonNumber(1e-300))).toBe("too_many_decimals");
  });
});

describe("sums of amounts are exact", () => {
  it("adding and subtracting any sequence returns exactly where it started (no float drift)", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), { maxLength: 200 }), (deltas) => {
        let balance = 0n;
        for (const delta of deltas) balance += delta;
        for (const delta of deltas) balance -= delta;
        return balance === 0n;
      }),
    );
  });

  it("the cost of n tokens is n times the per-token price, and costs add up: cost(a) + cost(b) = cost(a + b)", () => {
    fc.assert(
      fc.property(decimalText.filter((text) => !text.startsWith("-")), fc.nat({ max: 2_000_000 }), fc.nat({ max: 2_000_000 }), (price, a, b) => {
        const perToken = parseUsd(price);
        return perToken * BigInt(a) + perToken * BigInt(b) === perToken * BigInt(a + b);
      }),
    );
  });

  it("a single token of the cheapest model in the shipped catalog is a whole, non-zero number of units", () => {
    const prices = readCatalogFile()
      .models.flatMap((model) => model.endpoints)
      .flatMap((endpoint) => [endpoint.pricing.prompt, endpoint.pricing.completion, endpoint.pricing.inputCacheRead])
      .map((price) => parseUsd(price))
      .filter((price) => price > 0n);
    expect(prices.length).toBeGreaterThan(0);
    const cheapest = prices.reduce(minAmount);
    expect(cheapest).toBeGreaterThan(0n);
    // One token at that price, a million of them, and back: no unit is lost.
    expect((cheapest * 1_000_000n) / 1_000_000n).toBe(cheapest);
  });
});

describe("multiplyRational (rounding half away from zero)", () => {
  const factors = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: 10n ** 6n }));

  it("is within half a unit of the exact product", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), factors, (amount, [numerator, denominator]) => {
        const result = multiplyRational(amount, numerator, denominator);
        const error = result * denominator - amount * numerator;
        const absolute = error < 0n ? -error : error;
        return absolute * 2n <= denominator;
      }),
    );
  });

  it("is exact when the division is, and odd-symmetric in sign", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), factors, (amount, [numerator, denominator]) => {
        expect(multiplyRational(-amount, numerator, denominator)).toBe(-multiplyRational(amount, numerator, denominator));
        expect(multiplyRational(amount * denominator, numerator, denominator)).toBe(amount * numerator);
      }),
    );
  });

  it("rounds halves away from zero", () => {
    expect(multiplyRational(5n, 1n, 2n)).toBe(3n);
    expect(multiplyRational(-5n, 1n, 2n)).toBe(-3n);
    expect(multiplyRational(4n, 1n, 3n)).toBe(1n);
    expect(() => multiplyRational(1n, 1n, 0n)).toThrow(RangeError);
  });

  it("max and min agree with comparison", () => {
    fc.assert(fc.property(amounts, amounts, (a, b) => maxAmount(a, b) >= minAmount(a, b) && [a, b].includes(maxAmount(a, b))));
  });
});

describe("rates", () => {
  it("parse decimal text exactly and print it back", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.string({ unit: fc.constantFrom(..."0123456789".split("")), minLength: 1, maxLength: 8 }), (whole, fraction) => {
        const trimmed = fraction.replace(/0+$/, "");
        const text = `${whole}${trimmed === "" ? "" : `.${trimmed}`}`;
        return formatRate(parseRate(text)) === text;
      }),
    );
  });

  it("apply to amounts like multiplyRational, and compare exactly", () => {
    const rate = parseRate("0.055");
    expect(rate).toEqual({ numerator: 55n, denominator: 1000n });
    expect(applyRate(parseUsd("100"), rate)).toBe(parseUsd("5.5"));
    expect(compareRates(parseRate("0.05"), parseRate("0.055"))).toBeLessThan(0);
    expect(compareRates(parseRate("0.050"), parseRate("0.05"))).toBe(0);
    expect(() => parseRate("-0.1")).toThrow(RangeError);
  });
});

describe("usd(number)", () => {
  it("takes a number as the digits it prints as, not its binary expansion", () => {
    expect(usd(23077.35)).toBe(parseUsd("23077.35"));
    expect(usd(0.1)).toBe(parseUsd("0.1"));
    expect(usd(7.5e-11)).toBe(parseUsd("0.000000000075"));
  });
});
