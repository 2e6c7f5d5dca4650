import { describe, expect, it } from "vitest";
import type { CounterRule, CounterState } from "../../../src/limits/window-counter.js";
import { applyCounters, COUNTER_TTL_MARGIN_MS } from "../../../src/limits/window-counter.js";

const MINUTE = 60_000;
const T = 1_000 * MINUTE; // the start of minute window 1000

function rule(overrides: Partial<CounterRule> = {}): CounterRule {
  return { key: "k", windowMs: MINUTE, limit: 10, cost: 1, increment: true, sliding: true, ...overrides };
}

/** Runs one check against a single stored state and returns the outcome and what was written. */
function check(stored: CounterState | undefined, now: number, counterRule: CounterRule, mode: "admit" | "charge" = "admit") {
  const writes: Array<{ state: CounterState; ttlMs: number }> = [];
  const outcome = applyCounters({ now, mode, rules: [counterRule] }, () => stored, (_key, state, ttlMs) => writes.push({ state, ttlMs }));
  return { ...outcome, writes };
}

describe("sliding window counter", () => {
  it.each([
    // stored state, now, limit → admitted, remaining after, resetAt
    { name: "empty", stored: undefined, now: T, limit: 10, admitted: true, remaining: 9, resetAt: T + MINUTE },
    { name: "current window only", stored: { window: 1000, current: 9, previous: 0 }, now: T + 30_000, limit: 10, admitted: true, remaining: 0, resetAt: T + MINUTE + 6001 },
    { name: "full current window", stored: { window: 1000, current: 10, previous: 0 }, now: T + 30_000, limit: 10, admitted: false, remaining: 0, resetAt: T + MINUTE + 6001 },
    { name: "previous window weighs 3/4 at a quarter in", stored: { window: 999, current: 8, previous: 4 }, now: T + 15_000, limit: 10, admitted: true, remaining: 3, resetAt: T + MINUTE },
    { name: "previous window still too heavy", stored: { window: 999, current: 10, previous: 0 }, now: T + 5_000, limit: 10, admitted: false, remaining: 0, resetAt: T + 6001 },
    { name: "both windows counted", stored: { window: 1000, current: 4, previous: 10 }, now: T + 20_000, limit: 10, admitted: false, remaining: 0, resetAt: T + 30_001 },
    { name: "windows older than one are forgotten", stored: { window: 998, current: 10, previous: 10 }, now: T, limit: 10, admitted: true, remaining: 9, resetAt: T + MINUTE },
  ])("$name", ({ stored, now, limit, admitted, remaining, resetAt }) => {
    const outcome = check(stored, now, rule({ limit }));
    expect(outcome.admitted).toBe(admitted);
    expect(outcome.results[0]).toEqual({ remaining, resetAt });
    expect(outcome.writes).toHaveLength(admitted ? 1 : 0);
  });

  it("keeps a counter for its window and the next, plus a margin", () => {
    const { writes } = check({ window: 999, current: 3, previous: 1 }, T + 10_000, rule());
    expect(writes).toEqual([{ state: { window: 1000, current: 1, previous: 3 }, ttlMs: 2 * MINUTE - 10_000 + COUNTER_TTL_MARGIN_MS }]);
  });

  it("counts in the newer window when another instance's clock is ahead", () => {
    const { admitted, writes } = check({ window: 1001, current: 2, previous: 5 }, T + 59_999, rule());
    expect(admitted).toBe(true);
    expect(writes[0]?.state).toEqual({ window: 1001, current: 3, previous: 5 });
  });

  it("a limit below the cost never fits; it reports two windows ahead", () => {
    expect(check(undefined, T, rule({ limit: 0 }))).toMatchObject({ admitted: false, results: [{ remaining: 0, resetAt: T + 2 * MINUTE }] });
  });
});

describe("fixed window counter", () => {
  const day = rule({ windowMs: 86_400_000, sliding: false, limit: 2 });
  const midnight = 20_000 * 86_400_000;

  it("resets at the window edge and ignores the previous window", () => {
    expect(check({ window: 19_999, current: 2, previous: 0 }, midnight, day)).toMatchObject({ admitted: true, results: [{ remaining: 1 }] });
    expect(check({ window: 20_000, current: 2, previous: 0 }, midnight + 5, day)).toMatchObject({
      admitted: false,
      results: [{ remaining: 0, resetAt: midnight + 86_400_000 }],
    });
  });

  it("keeps the counter until the window ends, plus a margin", () => {
    expect(check(undefined, midnight + 1000, day).writes[0]?.ttlMs).toBe(86_400_000 - 1000 + COUNTER_TTL_MARGIN_MS);
  });
});

describe("checks of several counters", () => {
  it("admits all or nothing, and reads without incrementing where asked", () => {
    const stored = new Map<string, CounterState>([["full", { window: 1000, current: 5, previous: 0 }]]);
    const written: string[] = [];
    const rules = [rule({ key: "open", limit: 10 }), rule({ key: "full", limit: 5 }), rule({ key: "read", increment: false })];
    const refused = applyCounters({ now: T, mode: "admit", rules }, (key) => stored.get(key), (key) => written.push(key));
    expect(refused.admitted).toBe(false);
    expect(written).toEqual([]);
    const admitted = applyCounters({ now: T, mode: "admit", rules: [rules[0]!, rules[2]!] }, (key) => stored.get(key), (key) => written.push(key));
    expect(admitted.admitted).toBe(true);
    expect(written).toEqual(["open"]);
  });

  it("charge mode adds the cost whatever the limit", () => {
    const { admitted, writes } = check({ window: 1000, current: 900, previous: 0 }, T, rule({ limit: 0, cost: 500 }), "charge");
    expect(admitted).toBe(true);
    expect(writes[0]?.state.current).toBe(1400);
  });
});
