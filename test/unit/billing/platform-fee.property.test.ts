import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Amount } from "../../../src/billing/money.js";
import { parseUsd } from "../../../src/billing/money.js";
import { computePlatformFee, describeFee, parseFeeSchedule, recordedPlatformFee } from "../../../src/billing/platform-fee.js";

/** The platform fee (5.5%, $0.80 minimum by default) and volume tiers, as properties and as a table. */

const standard = parseFeeSchedule({ rate: "0.055", minimum: "0.80", tiers: "" });
const tiered = parseFeeSchedule({ rate: "0.055", minimum: "0.80", tiers: "10000:0.04, 1000:0.05" });
const credits = fc.bigInt({ min: 1n, max: parseUsd("100000") });
const volume = fc.bigInt({ min: 0n, max: parseUsd("1000000") });

function ledgerSum(purchased: Amount, fee: ReturnType<typeof computePlatformFee>): Amount {
  // The entries a purchase writes: + (credits + fee), − standard fee, + discount.
  return purchased + fee.fee - fee.standardFee + fee.discount;
}

describe("computePlatformFee", () => {
  it("matches OpenRouter's published examples", () => {
    const table: Array<[string, string]> = [
      ["100", "5.5"],
      ["5", "0.8"],
      ["14.54", "0.8"], // 5.5% would be 0.7997: the minimum applies
      ["14.55", "0.80025"],
      ["1000", "55"],
      ["0.000000000001", "0.8"],
    ];
    for (const [bought, fee] of table) {
      expect(computePlatformFee({ credits: parseUsd(bought), monthlyVolumeBefore: 0n, schedule: standard }).fee).toBe(parseUsd(fee));
    }
  });

  it("is at least the minimum, at most the standard fee, and the standard fee is max(5.5%, $0.80) rounded to a unit", () => {
    fc.assert(
      fc.property(credits, volume, (bought, before) => {
        const fee = computePlatformFee({ credits: bought, monthlyVolumeBefore: before, schedule: tiered });
        const exact = bought * 55n; // × 1000
        const rounded = exact / 1000n + ((exact % 1000n) * 2n >= 1000n ? 1n : 0n);
        expect(fee.standardFee).toBe(rounded > parseUsd("0.8") ? rounded : parseUsd("0.8"));
        expect(fee.fee).toBeGreaterThanOrEqual(parseUsd("0.8"));
        expect(fee.fee).toBeLessThanOrEqual(fee.standardFee);
        expect(fee.discount).toBe(fee.standardFee - fee.fee);
      }),
    );
  });

  it("the ledger entries of a purchase always sum to exactly the credits bought", () => {
    fc.assert(
      fc.property(credits, volume, (bought, before) => ledgerSum(bought, computePlatformFee({ credits: bought, monthlyVolumeBefore: before, schedule: tiered })) === bought),
    );
  });

  it("never falls as purchases grow, and never rises as the month's volume grows", () => {
    fc.assert(
      fc.property(credits, credits, volume, (a, b, before) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(computePlatformFee({ credits: small, monthlyVolumeBefore: 0n, schedule: standard }).fee).toBeLessThanOrEqual(
          computePlatformFee({ credits: large, monthlyVolumeBefore: 0n, schedule: standard }).fee,
        );
        expect(computePlatformFee({ credits: a, monthlyVolumeBefore: before + parseUsd("5000"), schedule: tiered }).fee).toBeLessThanOrEqual(
          computePlatformFee({ credits: a, monthlyVolumeBefore: before, schedule: tiered }).fee,
        );
      }),
    );
  });

  it("uses the best tier the month's volume reaches, counting this purchase", () => {
    const below = computePlatformFee({ credits: parseUsd("100"), monthlyVolumeBefore: parseUsd("899.99"), schedule: tiered });
    expect(below.tier).toBeNull();
    const reached = computePlatformFee({ credits: parseUsd("100"), monthlyVolumeBefore: parseUsd("900"), schedule: tiered });
    expect(reached).toMatchObject({ standardFee: parseUsd("5.5"), fee: parseUsd("5"), discount: parseUsd("0.5") });
    expect(reached.tier?.minMonthlyVolume).toBe(parseUsd("1000"));
    const top = computePlatformFee({ credits: parseUsd("20000"), monthlyVolumeBefore: 0n, schedule: tiered });
    expect(top).toMatchObject({ fee: parseUsd("800"), discount: parseUsd("300") });
    expect(describeFee(top)).toEqual({
      rate: "0.04",
      standard_fee_usd: "1100",
      fee_usd: "800",
      discount_usd: "300",
      tier_min_monthly_volume_usd: "10000",
    });
  });

  it("ignores a tier that would charge more than the standard rate", () => {
    const odd = parseFeeSchedule({ rate: "0.055", minimum: "0.80", tiers: "100:0.09" });
    expect(computePlatformFee({ credits: parseUsd("1000"), monthlyVolumeBefore: 0n, schedule: odd }).fee).toBe(parseUsd("55"));
  });

  it("refuses non-positive purchases and malformed tiers", () => {
    expect(() => computePlatformFee({ credits: 0n, monthlyVolumeBefore: 0n, schedule: standard })).toThrow(RangeError);
    expect(() => parseFeeSchedule({ rate: "0.055", minimum: "0.8", tiers: "1000" })).toThrow(RangeError);
  });
});

describe("recordedPlatformFee (booking a payment charged earlier)", () => {
  it("gives back the breakdown computePlatformFee gave for the fee charged, whatever the volume was", () => {
    fc.assert(
      fc.property(credits, volume, (bought, before) => {
        const charged = computePlatformFee({ credits: bought, monthlyVolumeBefore: before, schedule: tiered });
        const recorded = recordedPlatformFee({ credits: bought, fee: charged.fee, schedule: tiered });
        expect(recorded).toMatchObject({ standardFee: charged.standardFee, fee: charged.fee, discount: charged.discount });
        // Two tiers can give the same fee (both at the minimum); then either rate explains it.
        if (charged.tier !== null) expect(applyRateOf(recorded, bought)).toBe(applyRateOf(charged, bought));
        expect(ledgerSum(bought, recorded)).toBe(bought);
      }),
    );
  });

  it("still sums to the credits when the schedule changed after the charge", () => {
    const lowered = parseFeeSchedule({ rate: "0.03", minimum: "0.50", tiers: "" });
    const fee = recordedPlatformFee({ credits: parseUsd("100"), fee: parseUsd("5.5"), schedule: lowered });
    expect(fee).toMatchObject({ standardFee: parseUsd("5.5"), fee: parseUsd("5.5"), discount: 0n, tier: null });
    const raised = parseFeeSchedule({ rate: "0.08", minimum: "0.80", tiers: "" });
    const discounted = recordedPlatformFee({ credits: parseUsd("100"), fee: parseUsd("5.5"), schedule: raised });
    expect(discounted).toMatchObject({ standardFee: parseUsd("8"), fee: parseUsd("5.5"), discount: parseUsd("2.5"), tier: null });
    expect(ledgerSum(parseUsd("100"), fee)).toBe(parseUsd("100"));
    expect(ledgerSum(parseUsd("100"), discounted)).toBe(parseUsd("100"));
  });
});

/** The fee a breakdown's rate gives for `bought` (at least the minimum, at most the standard fee). */
function applyRateOf(fee: ReturnType<typeof computePlatformFee>, bought: Amount): Amount {
  return computePlatformFee({ credits: bought, monthlyVolumeBefore: 0n, schedule: { rate: fee.rate, minimum: parseUsd("0.8"), tiers: [] } }).fee;
}
