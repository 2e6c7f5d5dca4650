import { describe, expect, it } from "vitest";
import { createInProcessHealth } from "../../../src/routing/health/in-process-health.js";
import { binOf, binValue, percentilesOf } from "../../../src/routing/health/log-histogram.js";
import { NOW } from "./route-fixtures.js";

describe("endpoint health figures", () => {
  it("are null without traffic", () => {
    expect(createInProcessHealth().stats(1, NOW)).toEqual({ uptimeLast5m: null, uptimeLast30m: null, uptimeLast1d: null, latencyLast30m: null, throughputLast30m: null });
  });

  it("count uptime per window: failures count, request-caused outcomes do not, old ones leave the window", () => {
    const health = createInProcessHealth();
    health.record({ endpointId: 1, result: "failure", at: NOW - 20 * 60_000 });
    for (let index = 0; index < 3; index += 1) health.record({ endpointId: 1, result: "success", at: NOW - 1000 });
    health.record({ endpointId: 1, result: "failure", at: NOW - 1000 });
    health.record({ endpointId: 1, result: "neutral", at: NOW - 1000 });
    const stats = health.stats(1, NOW);
    expect(stats.uptimeLast5m).toBe(75);
    expect(stats.uptimeLast30m).toBe(60);
    expect(stats.uptimeLast1d).toBe(60);
    expect(health.recent(1, NOW)).toEqual({ attempts: 4, failures: 1 });
    expect(health.stats(1, NOW + 31 * 60_000).uptimeLast30m).toBeNull();
    expect(health.stats(1, NOW + 31 * 60_000).uptimeLast1d).toBe(60);
  });

  it("give latency and throughput percentiles within 5 % of the samples", () => {
    const health = createInProcessHealth();
    for (let value = 1; value <= 100; value += 1) health.record({ endpointId: 2, result: "success", at: NOW - 1000, timeToFirstTokenMs: value * 10, tokensPerSecond: value });
    const { latencyLast30m, throughputLast30m } = health.stats(2, NOW);
    const near = (actual: number | undefined, expected: number): void => {
      expect(actual).toBeDefined();
      expect(Math.abs((actual ?? 0) - expected) / expected).toBeLessThanOrEqual(0.05);
    };
    near(latencyLast30m?.p50, 500);
    near(latencyLast30m?.p90, 900);
    near(latencyLast30m?.p99, 990);
    near(throughputLast30m?.p75, 75);
  });

  it("bins values so that each bin's value bounds its samples", () => {
    for (const value of [1.5, 10, 99.9, 12_345]) {
      const bin = binOf(value);
      expect(binValue(bin)).toBeGreaterThanOrEqual(value - 0.01);
      expect(binValue(bin - 1)).toBeLessThan(value);
    }
    expect(percentilesOf(new Map())).toBeNull();
  });
});
