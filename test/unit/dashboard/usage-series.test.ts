import { describe, expect, it } from "vitest";
import type { UsageRow } from "../../../dashboard/src/queries.js";
import { dayToSeconds, lastDays, pivotByDay } from "../../../dashboard/src/usage-series.js";

/** The dashboard's one piece of arithmetic: usage rows by day and series into chart columns. */

function row(day: string | null, model: string, values: Partial<UsageRow> = {}): UsageRow {
  return { day, model, provider: null, requests: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, cost: "0", errors: 0, cancelled: 0, latencyP50Ms: null, latencyP95Ms: null, ...values };
}

describe("pivotByDay", () => {
  it("makes one column per series over every day present, missing days filled in", () => {
    const series = pivotByDay([row("2026-12-02", "b", { requests: 3 }), row("2026-12-01", "a", { requests: 1 }), row("2026-12-02", "a", { requests: 2 })], {
      seriesOf: (usage) => usage.model ?? "",
      valueOf: (usage) => usage.requests,
      missing: 0,
    });
    expect(series.days).toEqual([dayToSeconds("2026-12-01"), dayToSeconds("2026-12-02")]);
    expect(series.names).toEqual(["a", "b"]);
    expect(series.columns).toEqual([
      [1, 2],
      [0, 3],
    ]);
  });

  it("adds rows that fall on the same day and series, and leaves unmeasured latency null", () => {
    const series = pivotByDay([row("2026-12-01", "a", { latencyP95Ms: null }), row("2026-12-02", "a", { latencyP95Ms: 900 }), row(null, "a", { latencyP95Ms: 5 })], {
      seriesOf: () => "all",
      valueOf: (usage) => usage.latencyP95Ms,
      missing: null,
    });
    expect(series.columns).toEqual([[null, 900]]);
    const summed = pivotByDay([row("2026-12-01", "a", { errors: 2 }), row("2026-12-01", "a", { errors: 5 })], { seriesOf: () => "errors", valueOf: (usage) => usage.errors, missing: 0 });
    expect(summed.columns).toEqual([[7]]);
  });

  it("reads a day as its UTC midnight", () => {
    expect(dayToSeconds("2026-12-01")).toBe(Date.UTC(2026, 11, 1) / 1000);
  });
});

describe("the period's days", () => {
  it("lists the last days up to today, and a pivot over them fills days without traffic", () => {
    const days = lastDays(3, new Date(Date.UTC(2026, 11, 1, 15)));
    expect(days).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    const series = pivotByDay([row("2026-11-30", "a", { requests: 4 }), row("2026-11-01", "a", { requests: 9 })], { seriesOf: () => "a", valueOf: (usage) => usage.requests, missing: 0, days });
    expect(series.days).toEqual(days.map(dayToSeconds));
    expect(series.columns).toEqual([[0, 4, 0]]);
  });
});
