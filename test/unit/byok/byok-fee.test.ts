import { describe, expect, it } from "vitest";
import { byokFee, byokFeeBound } from "../../../src/billing/byok-fee.js";
import { parseUsd } from "../../../src/billing/money.js";
import { parseRate } from "../../../src/billing/rate.js";

const FIVE_PERCENT = parseRate("0.05");

describe("the BYOK fee", () => {
  it.each([
    // upstream (pico-dollars), allowance left, fee, covered by the allowance
    [1_000_000n, 0n, 50_000n, 0n],
    [parseUsd("2.5"), 0n, parseUsd("0.125"), 0n],
    // 5% of 19 is 0.95 → 1; of 10 is 0.5 → 1 (half away from zero); of 9 is 0.45 → 0
    [19n, 0n, 1n, 0n],
    [10n, 0n, 1n, 0n],
    [9n, 0n, 0n, 0n],
    // The allowance covers the upstream price first; only the rest pays the fee.
    [parseUsd("3"), parseUsd("1"), parseUsd("0.1"), parseUsd("1")],
    [parseUsd("1"), parseUsd("5"), 0n, parseUsd("1")],
    // An allowance already overspent counts as none.
    [parseUsd("1"), -parseUsd("2"), parseUsd("0.05"), 0n],
  ])("of %s pico-dollars with %s of allowance left is %s", (upstreamCost, allowanceLeft, fee, covered) => {
    expect(byokFee({ upstreamCost, rate: FIVE_PERCENT, allowanceLeft })).toEqual({ fee, coveredByAllowance: covered });
  });

  it("never exceeds the bound the hold is sized by", () => {
    for (let upstream = 0n; upstream < 2_000n; upstream += 7n) {
      const fee = byokFee({ upstreamCost: upstream, rate: parseRate("0.055"), allowanceLeft: 0n }).fee;
      expect(fee <= byokFeeBound(upstream, parseRate("0.055"))).toBe(true);
      expect(fee <= byokFeeBound(upstream + 1n, parseRate("0.055"))).toBe(true);
    }
  });
});
