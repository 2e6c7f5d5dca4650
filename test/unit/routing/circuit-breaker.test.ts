import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../src/routing/circuit-breaker.js";
import { runRouteSteps } from "../../../src/routing/route-pipeline.js";
import { candidate, context, NOW, providersOf } from "./route-fixtures.js";

const settings = { failureRatio: 0.5, minimumAttempts: 4, windowMs: 30_000, coolDownMs: 10_000 };

describe("circuit breaker", () => {
  it("opens when most recent attempts failed, lets one probe through after the cool-down, and closes on its success", () => {
    const breaker = new CircuitBreaker(settings);
    breaker.record(1, "success", NOW);
    breaker.record(1, "failure", NOW + 1);
    breaker.record(1, "failure", NOW + 2);
    expect(breaker.state(1, NOW + 3)).toBe("closed");
    breaker.record(1, "failure", NOW + 3);
    expect(breaker.state(1, NOW + 4)).toBe("open");
    expect(breaker.tryAcquire(1, NOW + 5_000)).toBe(false);
    expect(breaker.state(1, NOW + 10_003)).toBe("half-open");
    expect(breaker.tryAcquire(1, NOW + 10_003)).toBe(true);
    // One probe at a time.
    expect(breaker.tryAcquire(1, NOW + 10_004)).toBe(false);
    breaker.record(1, "success", NOW + 10_005);
    expect(breaker.state(1, NOW + 10_006)).toBe("closed");
    // Its old failures are forgotten: one new failure does not reopen it.
    breaker.record(1, "failure", NOW + 10_007);
    expect(breaker.state(1, NOW + 10_008)).toBe("closed");
  });

  it("reopens for another cool-down when the probe fails", () => {
    const breaker = new CircuitBreaker(settings);
    for (let index = 0; index < 4; index += 1) breaker.record(1, "failure", NOW + index);
    expect(breaker.tryAcquire(1, NOW + 10_010)).toBe(true);
    breaker.record(1, "failure", NOW + 10_020);
    expect(breaker.state(1, NOW + 10_030)).toBe("open");
    expect(breaker.state(1, NOW + 20_030)).toBe("half-open");
  });

  it("ignores request-caused outcomes, and rests an endpoint until a Retry-After", () => {
    const breaker = new CircuitBreaker(settings);
    for (let index = 0; index < 10; index += 1) breaker.record(1, "neutral", NOW + index);
    expect(breaker.state(1, NOW + 20)).toBe("closed");
    breaker.rest(1, NOW + 5_000);
    expect(breaker.state(1, NOW + 4_999)).toBe("open");
    expect(breaker.state(1, NOW + 5_000)).toBe("closed");
  });

  it("skips open endpoints in routing, and keeps the least-bad one when all are open", () => {
    const breaker = new CircuitBreaker(settings);
    const a = candidate({ id: 1, provider: "a", usdPerMillion: "1" });
    const b = candidate({ id: 2, provider: "b", usdPerMillion: "2" });
    for (let index = 0; index < 4; index += 1) breaker.record(1, "failure", NOW - 100 + index);
    expect(providersOf(runRouteSteps([a, b], context({ breaker })))).toEqual(["b"]);
    breaker.record(2, "success", NOW - 50);
    for (let index = 0; index < 4; index += 1) breaker.record(2, "failure", NOW - 40 + index);
    const lastResort = runRouteSteps([a, b], context({ breaker }));
    expect(providersOf(lastResort)).toEqual(["b"]);
    expect(lastResort[0]?.lastResort).toBe(true);
  });
});
