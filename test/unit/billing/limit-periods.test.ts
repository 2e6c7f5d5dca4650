import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentSpend, limitRemaining, usageTowardLimit } from "../../../src/billing/key-spend-figures.js";
import { nextLimitReset, periodStarts } from "../../../src/billing/limit-periods.js";
import { parseUsd } from "../../../src/billing/money.js";
import type { KeySpendRow } from "../../../src/db/schema/index.js";

/** UTC periods of key spend limits: days at 00:00 UTC, weeks from Monday, months from the 1st. */

describe("periodStarts", () => {
  it.each([
    ["2026-03-01T23:59:59.999Z", { day: "2026-03-01", week: "2026-02-23", month: "2026-03-01" }], // a Sunday
    ["2026-03-02T00:00:00.000Z", { day: "2026-03-02", week: "2026-03-02", month: "2026-03-01" }], // a Monday
    ["2026-01-01T05:00:00.000Z", { day: "2026-01-01", week: "2025-12-29", month: "2026-01-01" }], // week spans the year
    ["2028-02-29T12:00:00.000Z", { day: "2028-02-29", week: "2028-02-28", month: "2028-02-01" }], // leap day
  ])("%s", (instant, expected) => {
    expect(periodStarts(Date.parse(instant))).toEqual(expected);
  });

  it("always starts weeks on a Monday at most 6 days back, and days within their month", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("1990-01-01"), max: Date.parse("2100-01-01") }), (epochMs) => {
        const periods = periodStarts(epochMs);
        const day = Date.parse(`${periods.day}T00:00:00Z`);
        const week = Date.parse(`${periods.week}T00:00:00Z`);
        expect(new Date(week).getUTCDay()).toBe(1);
        expect(day - week).toBeGreaterThanOrEqual(0);
        expect(day - week).toBeLessThanOrEqual(6 * 86_400_000);
        expect(epochMs - day).toBeLessThan(86_400_000);
        expect(periods.month.slice(0, 7)).toBe(periods.day.slice(0, 7));
        expect(periods.month.endsWith("-01")).toBe(true);
      }),
    );
  });
});

describe("nextLimitReset", () => {
  it("is the next UTC midnight, Monday or 1st, and never for lifetime limits", () => {
    const at = Date.parse("2026-01-31T15:00:00Z"); // a Saturday
    expect(nextLimitReset("daily", at)?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(nextLimitReset("weekly", at)?.toISOString()).toBe("2026-02-02T00:00:00.000Z");
    expect(nextLimitReset("monthly", at)?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(nextLimitReset("weekly", Date.parse("2026-02-02T00:00:00Z"))?.toISOString()).toBe("2026-02-09T00:00:00.000Z");
    expect(nextLimitReset("monthly", Date.parse("2026-12-31T23:59:59Z"))?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(nextLimitReset(null, at)).toBeNull();
  });

  it("is always later than now and starts the next period", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("1990-01-01"), max: Date.parse("2100-01-01") }), fc.constantFrom("daily" as const, "weekly" as const, "monthly" as const), (epochMs, reset) => {
        const next = nextLimitReset(reset, epochMs);
        if (next === null) return false;
        const periods = periodStarts(epochMs);
        const after = periodStarts(next.getTime());
        const key = reset === "daily" ? "day" : reset === "weekly" ? "week" : "month";
        return next.getTime() > epochMs && after[key] !== periods[key] && periodStarts(next.getTime() - 1)[key] === periods[key];
      }),
    );
  });
});

describe("key spend figures", () => {
  const row: KeySpendRow = {
    keyHash: "k",
    reserved: 7n,
    usage: parseUsd("10"),
    byokUsage: parseUsd("4"),
    dayStart: "2026-03-03",
    usageDaily: parseUsd("1"),
    byokUsageDaily: parseUsd("0.5"),
    weekStart: "2026-03-02",
    usageWeekly: parseUsd("3"),
    byokUsageWeekly: parseUsd("1"),
    monthStart: "2026-03-01",
    usageMonthly: parseUsd("6"),
    byokUsageMonthly: parseUsd("2"),
    updatedAt: new Date(0),
  };

  it("read counters of past periods as zero", () => {
    const nextDay = currentSpend(row, periodStarts(Date.parse("2026-03-04T00:00:00Z")));
    expect(nextDay).toMatchObject({ usageDaily: 0n, usageWeekly: parseUsd("3"), usageMonthly: parseUsd("6"), usage: parseUsd("10"), reserved: 7n });
    const nextMonth = currentSpend(row, periodStarts(Date.parse("2026-04-01T00:00:00Z")));
    expect(nextMonth).toMatchObject({ usageDaily: 0n, usageWeekly: 0n, usageMonthly: 0n, byokUsageMonthly: 0n });
  });

  it("count the reset period's usage toward the limit, BYOK only when the key says so", () => {
    const spend = currentSpend(row, periodStarts(Date.parse("2026-03-03T10:00:00Z")));
    expect(usageTowardLimit(spend, { limitReset: "daily", includeByokInLimit: false })).toBe(parseUsd("1"));
    expect(usageTowardLimit(spend, { limitReset: "weekly", includeByokInLimit: true })).toBe(parseUsd("4"));
    expect(usageTowardLimit(spend, { limitReset: null, includeByokInLimit: true })).toBe(parseUsd("14"));
    expect(limitRemaining(spend, { spendLimit: parseUsd("5"), limitReset: "monthly", includeByokInLimit: false })).toBe(0n);
    expect(limitRemaining(spend, { spendLimit: parseUsd("8"), limitReset: "monthly", includeByokInLimit: false })).toBe(parseUsd("2"));
    expect(limitRemaining(spend, { spendLimit: null, limitReset: null, includeByokInLimit: false })).toBeNull();
  });
});
