import { describe, expect, it } from "vitest";
import { createInProcessHealth } from "../../../src/routing/health/in-process-health.js";
import { seededRandom } from "../../../src/routing/random-source.js";
import { runRouteSteps } from "../../../src/routing/route-pipeline.js";
import { candidate, context, NOW, providersOf } from "./route-fixtures.js";

const A = candidate({ id: 1, provider: "a", usdPerMillion: "1" });
const B = candidate({ id: 2, provider: "b", usdPerMillion: "2" });
const C = candidate({ id: 3, provider: "c", usdPerMillion: "3" });

describe("price-weighted load balancing", () => {
  it("gives the same order for the same seed, and different orders across seeds", () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 40; seed += 1) {
      const first = providersOf(runRouteSteps([A, B, C], context({ seed })));
      const second = providersOf(runRouteSteps([A, B, C], context({ seed })));
      expect(second).toEqual(first);
      expect([...first].sort()).toEqual(["a", "b", "c"]);
      orders.add(first.join(","));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it("draws the first endpoint with probability proportional to 1/price² (within 1.5 percentage points over 200,000 draws)", () => {
    // Weights 1, 1/4, 1/9 → shares 36/49, 9/49, 4/49. The standard error of a share over 200,000 draws is
    // below 0.1 percentage point, so a 1.5-point tolerance fails only for a wrong weighting.
    const draws = 200_000;
    const random = seededRandom(2026);
    const firsts = new Map<string, number>();
    for (let index = 0; index < draws; index += 1) {
      const first = runRouteSteps([A, B, C], context({ random }))[0]?.endpoint.providerSlug ?? "none";
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    const share = (provider: string): number => (firsts.get(provider) ?? 0) / draws;
    expect(Math.abs(share("a") - 36 / 49)).toBeLessThan(0.015);
    expect(Math.abs(share("b") - 9 / 49)).toBeLessThan(0.015);
    expect(Math.abs(share("c") - 4 / 49)).toBeLessThan(0.015);
    // OpenRouter's example: an endpoint at $1 is 9× as likely to come first as one at $3.
    expect(share("a") / share("c")).toBeGreaterThan(8);
    expect(share("a") / share("c")).toBeLessThan(10);
  });

  it("puts endpoints with failures in the last 30 seconds after the others (OpenRouter's A, C, then B)", () => {
    const health = createInProcessHealth();
    health.record({ endpointId: B.endpoint.id, result: "failure", at: NOW - 5_000 });
    for (let seed = 0; seed < 20; seed += 1) expect(providersOf(runRouteSteps([A, B, C], context({ seed, health }))).at(-1)).toBe("b");
    // Failures older than 30 s no longer count.
    const later = { ...context({ seed: 3, health }), now: NOW + 40_000 };
    const orders = new Set<string>();
    for (let seed = 0; seed < 40; seed += 1) orders.add(providersOf(runRouteSteps([A, B, C], { ...later, random: seededRandom(seed) })).at(-1) ?? "");
    expect(orders.size).toBeGreaterThan(1);
  });

  it("turns the draw off with provider.order or provider.sort", () => {
    for (let seed = 0; seed < 20; seed += 1) {
      expect(providersOf(runRouteSteps([A, B, C], context({ seed, preferences: { order: ["c"] } })))).toEqual(["c", "a", "b"]);
      expect(providersOf(runRouteSteps([C, B, A], context({ seed, preferences: { sort: { by: "price", partition: "model" } } })))).toEqual(["a", "b", "c"]);
    }
  });

  it("orders each model of `models` in turn, or all together with partition: none", () => {
    const cheapSecond = candidate({ id: 4, provider: "d", usdPerMillion: "0.5", modelIndex: 1 });
    const byPrice = { by: "price" as const, partition: "model" as const };
    expect(providersOf(runRouteSteps([A, C, cheapSecond], context({ preferences: { sort: byPrice } })))).toEqual(["a", "c", "d"]);
    expect(providersOf(runRouteSteps([A, C, cheapSecond], context({ preferences: { sort: { ...byPrice, partition: "none" } } })))).toEqual(["d", "a", "c"]);
  });

  it("sorts by throughput or latency from the health figures, and soft-prefers endpoints meeting preferred thresholds", () => {
    const health = createInProcessHealth();
    // c is fast (200 tok/s, 100 ms), a is slow (20 tok/s, 900 ms), b has no figures.
    for (let index = 0; index < 5; index += 1) {
      health.record({ endpointId: C.endpoint.id, result: "success", at: NOW - 1000, timeToFirstTokenMs: 100, tokensPerSecond: 200 });
      health.record({ endpointId: A.endpoint.id, result: "success", at: NOW - 1000, timeToFirstTokenMs: 900, tokensPerSecond: 20 });
    }
    expect(providersOf(runRouteSteps([A, B, C], context({ health, preferences: { sort: { by: "throughput", partition: "model" } } })))).toEqual(["c", "a", "b"]);
    expect(providersOf(runRouteSteps([A, B, C], context({ health, preferences: { sort: { by: "latency", partition: "model" } } })))).toEqual(["c", "a", "b"]);
    const preferFast = { sort: { by: "price" as const, partition: "model" as const }, preferredMinThroughput: { p50: 100 } };
    expect(providersOf(runRouteSteps([A, B, C], context({ health, preferences: preferFast })))).toEqual(["c", "a", "b"]);
    const preferQuick = { sort: { by: "price" as const, partition: "model" as const }, preferredMaxLatencyMs: { p90: 500 } };
    expect(providersOf(runRouteSteps([A, B, C], context({ health, preferences: preferQuick })))).toEqual(["c", "a", "b"]);
  });

  it("skips endpoints whose context window is too small, and refuses with a 400 when none fits", () => {
    const small = candidate({ id: 5, provider: "small", usdPerMillion: "0.1", contextLength: 8192 });
    expect(providersOf(runRouteSteps([small, A], context({ promptTokens: 10_000 })))).toEqual(["a"]);
    expect(() => runRouteSteps([small], context({ promptTokens: 10_000 }))).toThrow(/maximum context length is 8192 tokens/);
  });

  it("tries only the first choice with allow_fallbacks: false", () => {
    expect(runRouteSteps([A, B, C], context({ preferences: { allowFallbacks: false } }))).toHaveLength(1);
  });
});
