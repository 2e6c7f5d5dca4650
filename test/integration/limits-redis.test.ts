import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimiter } from "../../src/limits/create-limiter.js";
import { createInProcessCounterStore } from "../../src/limits/in-process-counter-store.js";
import { DEFAULT_LIMITS_CONFIG } from "../../src/limits/limits-config.js";
import { createRedisCounterStore } from "../../src/limits/redis/redis-counter-store.js";
import type { CounterRequest, CounterRule } from "../../src/limits/window-counter.js";
import { limiterContract, NOON } from "../support/limiter-contract.js";
import { manualClock } from "../support/manual-clock.js";
import { deleteKeysWithPrefix, openTestRedis, redisUrlForTests, uniqueKeyPrefix } from "../support/redis-for-tests.js";

/**
 * The Redis limiter: the same contract as the in-process one, plus what only Redis shows: the Lua script
 * gives the same answers as the TypeScript counter for any sequence of checks, counters are shared by
 * limiters on one Redis, and keys carry the prefix and a TTL.
 */
const redisUrl = await redisUrlForTests("limits-redis");
const runPrefix = uniqueKeyPrefix("limits-redis");
let redis: Redis;

describe.skipIf(redisUrl === undefined)("Redis limiter", () => {
  beforeAll(() => {
    redis = openTestRedis(redisUrl!);
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, runPrefix);
    redis.disconnect();
  });

  let counter = 0;
  limiterContract("Redis limiter", ({ config, clock, settings }) =>
    // Each limiter gets its own namespace under the run's prefix, so tests never see each other's counters.
    createLimiter({ ...config, RATE_LIMIT_KEY_PREFIX: `${runPrefix}${(counter += 1)}:${config.RATE_LIMIT_KEY_PREFIX}` }, { redis, clock, settings }),
  );

  it("is chosen when a Redis connection is given", () => {
    expect(createLimiter(DEFAULT_LIMITS_CONFIG, { redis }).kind).toBe("redis");
  });

  it("shares counters between limiters on one Redis and one prefix, and keeps other prefixes apart", async () => {
    const clock = manualClock(NOON);
    const prefix = `${runPrefix}shared:`;
    const config = { ...DEFAULT_LIMITS_CONFIG, RATE_LIMIT_KEY_PREFIX: prefix };
    const first = createLimiter(config, { redis, clock });
    const second = createLimiter(config, { redis, clock });
    const elsewhere = createLimiter({ ...config, RATE_LIMIT_KEY_PREFIX: `${runPrefix}elsewhere:` }, { redis, clock });
    const admit = { accountId: "acct-shared", keyHash: "k", modelId: "m:free", isFree: true, purchasedTotal: 0n };
    for (let index = 0; index < 10; index += 1) await first.admit(admit);
    for (let index = 0; index < 10; index += 1) await second.admit(admit);
    await expect(first.admit(admit)).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
    await expect(second.admit(admit)).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
    await expect(elsewhere.admit(admit)).resolves.toMatchObject({ accountId: "acct-shared" });
  });

  it("namespaces keys under the prefix with the account as hash tag, each with a TTL", async () => {
    const clock = manualClock(NOON + 5000);
    const prefix = `${runPrefix}ttl:`;
    const limiter = createLimiter({ ...DEFAULT_LIMITS_CONFIG, RATE_LIMIT_KEY_PREFIX: prefix }, { redis, clock });
    await limiter.admit({ accountId: "acct-ttl", keyHash: "k", modelId: "m:free", isFree: true, purchasedTotal: 0n });
    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}{acct-ttl}:free-day`, `${prefix}{acct-ttl}:free-min:m:free`]);
    // PTTL counts down in real time from when the script set it: allow a little.
    const near = (expected: number) => ({ asymmetricMatch: (actual: number) => actual <= expected && actual > expected - 2000 });
    // Minute counter: kept for its window and the next (the sliding count still reads it), plus a 1 s margin.
    expect(await redis.pttl(`${prefix}{acct-ttl}:free-min:m:free`)).toEqual(near(2 * 60_000 - 5000 + 1000));
    // Day counter: until 00:00 UTC plus the margin.
    expect(await redis.pttl(`${prefix}{acct-ttl}:free-day`)).toEqual(near(12 * 3600_000 - 5000 + 1000));
  });

  it("runs the Lua script and the TypeScript counter to the same answers for any sequence of checks", async () => {
    const keys = ["a", "b", "c"];
    const ruleArbitrary = fc.record({
      key: fc.constantFrom(...keys),
      windowMs: fc.constantFrom(1000, 60_000, 86_400_000),
      limit: fc.integer({ min: 0, max: 30 }),
      cost: fc.integer({ min: 1, max: 7 }),
      increment: fc.boolean(),
      sliding: fc.boolean(),
    });
    const stepArbitrary = fc.record({
      advanceMs: fc.integer({ min: 0, max: 90_000 }),
      mode: fc.constantFrom<"admit" | "charge">("admit", "admit", "admit", "charge"),
      rules: fc.uniqueArray(ruleArbitrary, { minLength: 1, maxLength: 3, selector: (rule) => rule.key }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 86_400_000 }), fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }), async (offset, steps) => {
        run += 1;
        // A counter keeps its window length and kind for life, as in the limiter; expiry (Redis's real clock
        // against the manual clock in process) then never changes an answer.
        const shapeOf = new Map<string, { windowMs: number; sliding: boolean }>();
        const prefix = `${runPrefix}parity:${run}:`;
        const memory = createInProcessCounterStore();
        const shared = createRedisCounterStore(redis);
        let now = NOON + offset;
        for (const step of steps) {
          now += step.advanceMs;
          const rules: CounterRule[] = step.rules.map((rule) => {
            const shape = shapeOf.get(rule.key) ?? { windowMs: rule.windowMs, sliding: rule.sliding };
            shapeOf.set(rule.key, shape);
            return { ...rule, ...shape, key: `${prefix}${rule.key}` };
          });
          const checked: CounterRequest = { now, mode: step.mode, rules };
          expect(await shared.apply(checked)).toEqual(await memory.apply(checked));
        }
      }),
      { numRuns: 60 },
    );
  });
});
