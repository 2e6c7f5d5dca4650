import { describe, expect, it } from "vitest";
import { latencyBucketOf, latencyBucketUpperMs } from "../../../src/usage/latency-buckets.js";
import { activityWindow } from "../../../src/usage/activity.js";

describe("latency buckets", () => {
  it("report a percentile at most 19 % above any latency in its bucket, never below", () => {
    for (let latency = 0; latency <= 200_000; latency += latency < 100 ? 1 : 97) {
      const upper = latencyBucketUpperMs(latencyBucketOf(latency));
      expect(upper).toBeGreaterThanOrEqual(latency);
      expect(upper).toBeLessThanOrEqual(Math.max(1, latency * 1.19 + 1));
      expect(latencyBucketOf(upper)).toBe(latencyBucketOf(latency));
    }
  });
});

describe("the activity window", () => {
  const now = Date.parse("2026-03-15T10:20:00Z");

  it("is the 30 completed UTC days before today", () => {
    expect(activityWindow(now, undefined)).toEqual({ from: new Date("2026-02-13T00:00:00Z"), to: new Date("2026-03-15T00:00:00Z") });
  });

  it.each([
    ["2026-03-14", "2026-03-14T00:00:00Z"],
    ["2026-02-13", "2026-02-13T00:00:00Z"],
  ])("takes %s, one of those days", (date, from) => {
    const window = activityWindow(now, date);
    expect(window.from).toEqual(new Date(from));
    expect(window.to.getTime() - window.from.getTime()).toBe(86_400_000);
  });

  it.each(["2026-03-15", "2026-02-12", "2026-02-30", "14/03/2026", "2026-3-14", ""])("refuses %j", (date) => {
    expect(() => activityWindow(now, date)).toThrow(/date/);
  });
});
