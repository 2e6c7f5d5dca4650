import { describe, expect, it } from "vitest";
import { usd } from "../../src/billing/money.js";
import { GatewayError } from "../../src/core/errors.js";
import type { Clock } from "../../src/limits/clock.js";
import { DEFAULT_LIMITS_CONFIG } from "../../src/limits/limits-config.js";
import type { LimitsConfig } from "../../src/limits/limits-config.js";
import type { AdmissionTicket, AdmitRequest, RateLimiter } from "../../src/limits/rate-limiter.js";
import type { LimitSettingsSource, RateLimitValues } from "../../src/limits/settings/rate-limit-settings.js";
import { NO_LIMITS } from "../../src/limits/settings/rate-limit-settings.js";
import { manualClock } from "./manual-clock.js";

/**
 * The behaviour every RateLimiter must show, run against the in-process limiter (unit tests) and the Redis
 * limiter (integration tests) alike. Time comes from a manual clock, so windows and UTC midnights are
 * crossed exactly.
 */

export interface LimiterFactory {
  (options: { config: LimitsConfig; clock: Clock; settings: LimitSettingsSource }): RateLimiter;
}

/** 2030-01-15 12:00:00.000 UTC: the start of a minute, mid-day. */
export const NOON = Date.UTC(2030, 0, 15, 12, 0, 0);
const NEXT_MIDNIGHT = Date.UTC(2030, 0, 16, 0, 0, 0);
const MINUTE = 60_000;

/** Operator settings held in memory, changeable mid-test. */
export function settingsTable(): LimitSettingsSource & { set(scope: "key" | "account", id: string, values: Partial<RateLimitValues>): void } {
  const table = new Map<string, RateLimitValues>();
  return {
    set(scope, id, values) {
      table.set(`${scope}:${id}`, { ...(table.get(`${scope}:${id}`) ?? NO_LIMITS), ...values });
    },
    forRequest: (accountId, keyHash) =>
      Promise.resolve({ key: table.get(`key:${keyHash}`) ?? NO_LIMITS, account: table.get(`account:${accountId}`) ?? NO_LIMITS }),
  };
}

function request(overrides: Partial<AdmitRequest> = {}): AdmitRequest {
  return { accountId: "acct-1", keyHash: "key-1", modelId: "meta-llama/llama-3.3-70b-instruct:free", isFree: true, purchasedTotal: 0n, ...overrides };
}

/** The ticket, or the GatewayError admission threw. */
async function tryAdmit(limiter: RateLimiter, admit: AdmitRequest): Promise<AdmissionTicket | GatewayError> {
  try {
    return await limiter.admit(admit);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
}

async function refusal(limiter: RateLimiter, admit: AdmitRequest): Promise<GatewayError> {
  const outcome = await tryAdmit(limiter, admit);
  if (!(outcome instanceof GatewayError)) throw new Error("expected a 429, the request was admitted");
  return outcome;
}

async function admitTimes(limiter: RateLimiter, times: number, make: (index: number) => AdmitRequest): Promise<number> {
  let admitted = 0;
  for (let index = 0; index < times; index += 1) {
    if (!((await tryAdmit(limiter, make(index))) instanceof GatewayError)) admitted += 1;
  }
  return admitted;
}

function expectRateLimit(error: GatewayError, expected: { message: string; limit: number; remaining: number; resetAt: number; now: number }): void {
  expect(error.kind).toBe("rate_limit_exceeded");
  expect(error.status).toBe(429);
  expect(error.retryable).toBe(true);
  expect(error.message).toBe(expected.message);
  const headers = {
    "Retry-After": String(Math.max(1, Math.ceil((expected.resetAt - expected.now) / 1000))),
    "X-RateLimit-Limit": String(expected.limit),
    "X-RateLimit-Remaining": String(expected.remaining),
    "X-RateLimit-Reset": String(expected.resetAt),
  };
  expect(error.headers).toEqual(headers);
  expect(error.metadata).toEqual({ headers });
}

export function limiterContract(name: string, create: LimiterFactory): void {
  function setup(config: Partial<LimitsConfig> = {}, start = NOON) {
    const clock = manualClock(start);
    const settings = settingsTable();
    const limiter = create({ config: { ...DEFAULT_LIMITS_CONFIG, ...config }, clock, settings });
    return { clock, settings, limiter };
  }

  describe(`${name}: free models per minute`, () => {
    it("admits 20 requests a minute per free model and account, then refuses with OpenRouter's 429", async () => {
      const { limiter, clock } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 1000 });
      expect(await admitTimes(limiter, 20, () => request())).toBe(20);
      const error = await refusal(limiter, request());
      // 20 counted at the window start: the sliding count falls to 19 when 1/20 of the next window has passed.
      expectRateLimit(error, { message: "Rate limit exceeded: free-models-per-min.", limit: 20, remaining: 0, resetAt: NOON + MINUTE + 3000 + 1, now: clock.now() });
    });

    it("counts each free model separately, and each account separately", async () => {
      const { limiter } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 1000 });
      expect(await admitTimes(limiter, 25, () => request())).toBe(20);
      expect(await admitTimes(limiter, 20, () => request({ modelId: "google/gemma-3-27b-it:free" }))).toBe(20);
      expect(await admitTimes(limiter, 20, () => request({ accountId: "acct-2", keyHash: "key-2" }))).toBe(20);
    });

    it("is a sliding window: the previous minute's count fades out instead of resetting at the edge", async () => {
      const { limiter, clock } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 1000 });
      expect(await admitTimes(limiter, 20, () => request())).toBe(20);
      clock.set(NOON + MINUTE); // next window: the 20 still weigh fully
      await refusal(limiter, request());
      clock.set(NOON + MINUTE + 2999); // weight just above 0.95 → just above 19 counted
      await refusal(limiter, request());
      clock.set(NOON + MINUTE + 3001); // just below 19
      expect(await admitTimes(limiter, 1, () => request())).toBe(1);
      clock.set(NOON + MINUTE + MINUTE / 2); // 20 × 0.5 + 1 = 11 counted → 9 more
      expect(await admitTimes(limiter, 12, () => request())).toBe(9);
      clock.set(NOON + 3 * MINUTE); // both windows old: a fresh 20
      expect(await admitTimes(limiter, 25, () => request())).toBe(20);
    });

    it("says when to retry: Retry-After and X-RateLimit-Reset agree with the time admission resumes", async () => {
      const { limiter, clock } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 1000 });
      clock.set(NOON + 10_000);
      expect(await admitTimes(limiter, 20, () => request())).toBe(20);
      clock.set(NOON + 40_000);
      const error = await refusal(limiter, request());
      const resetAt = Number(error.headers?.["X-RateLimit-Reset"]);
      expect(resetAt).toBe(NOON + MINUTE + 3000 + 1);
      expect(error.headers?.["Retry-After"]).toBe(String(Math.ceil((resetAt - clock.now()) / 1000)));
      clock.set(resetAt - 2); // resetAt − 1 is the exact boundary; resetAt is the first ms safely past it
      await refusal(limiter, request());
      clock.set(resetAt);
      expect(await admitTimes(limiter, 1, () => request())).toBe(1);
    });
  });

  describe(`${name}: free models per UTC day`, () => {
    const models = (index: number) => request({ modelId: `model-${index % 5}:free` });

    it("admits 50 free requests a day across free models, then refuses until 00:00 UTC", async () => {
      const { limiter, clock } = setup();
      expect(await admitTimes(limiter, 50, models)).toBe(50);
      const error = await refusal(limiter, models(0));
      expectRateLimit(error, {
        message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        limit: 50,
        remaining: 0,
        resetAt: NEXT_MIDNIGHT,
        now: clock.now(),
      });
      expect(error.headers?.["Retry-After"]).toBe(String(12 * 3600));
    });

    it("resets at the UTC day boundary, not 24 hours after the first request", async () => {
      const { limiter, clock } = setup({}, NEXT_MIDNIGHT - 2 * MINUTE);
      expect(await admitTimes(limiter, 50, models)).toBe(50);
      clock.set(NEXT_MIDNIGHT - 1);
      const error = await refusal(limiter, models(1));
      expect(error.headers?.["X-RateLimit-Reset"]).toBe(String(NEXT_MIDNIGHT));
      expect(error.headers?.["Retry-After"]).toBe("1");
      clock.set(NEXT_MIDNIGHT);
      // A new day: the quota is back, and used up again by the 50th request of the day.
      expect(await admitTimes(limiter, 50, (index) => request({ modelId: `other-${index % 5}:free` }))).toBe(50);
      const again = await refusal(limiter, request({ modelId: "other-0:free" }));
      expect(again.headers?.["X-RateLimit-Reset"]).toBe(String(NEXT_MIDNIGHT + 86_400_000));
    });

    it("reports the day's quota without counting anything: limit, used and remaining, raised by purchases", async () => {
      const { limiter, clock } = setup();
      const account = request().accountId;
      expect(await limiter.freeDailyQuota({ accountId: account, purchasedTotal: 0n })).toEqual({ limit: 50, used: 0, remaining: 50 });
      expect(await admitTimes(limiter, 7, models)).toBe(7);
      expect(await limiter.freeDailyQuota({ accountId: account, purchasedTotal: 0n })).toEqual({ limit: 50, used: 7, remaining: 43 });
      expect(await limiter.freeDailyQuota({ accountId: account, purchasedTotal: 0n })).toEqual({ limit: 50, used: 7, remaining: 43 });
      expect(await limiter.freeDailyQuota({ accountId: account, purchasedTotal: 10_000_000_000_000n })).toEqual({ limit: 1000, used: 7, remaining: 993 });
      clock.set(NEXT_MIDNIGHT);
      expect(await limiter.freeDailyQuota({ accountId: account, purchasedTotal: 0n })).toEqual({ limit: 50, used: 0, remaining: 50 });
    });

    it("does not count paid requests against the free quotas", async () => {
      const { limiter } = setup();
      expect(await admitTimes(limiter, 100, () => request({ isFree: false, modelId: "openai/gpt-4o" }))).toBe(100);
      expect(await admitTimes(limiter, 50, models)).toBe(50);
    });
  });

  describe(`${name}: the $10 purchase threshold`, () => {
    const many = { FREE_MODEL_REQUESTS_PER_MINUTE: 100_000 };

    it("gives 50 a day below $10 purchased and 1000 at $10 or more", async () => {
      const below = setup(many);
      expect(await admitTimes(below.limiter, 60, () => request({ purchasedTotal: usd("9.999999999999") }))).toBe(50);
      const at = setup(many);
      expect(await admitTimes(at.limiter, 1010, () => request({ purchasedTotal: usd(10) }))).toBe(1000);
      const error = await refusal(at.limiter, request({ purchasedTotal: usd(25) }));
      expectRateLimit(error, {
        message: "Rate limit exceeded: free-models-per-day-high-balance.",
        limit: 1000,
        remaining: 0,
        resetAt: NEXT_MIDNIGHT,
        now: at.clock.now(),
      });
    });

    it("counts the day's earlier requests after a purchase: 50 used, then 950 more", async () => {
      const { limiter } = setup(many);
      expect(await admitTimes(limiter, 55, () => request())).toBe(50);
      expect(await admitTimes(limiter, 1000, () => request({ purchasedTotal: usd(10) }))).toBe(950);
    });

    it("follows the configured threshold and quotas in the numbers and the message", async () => {
      const { limiter } = setup({ ...many, FREE_MODEL_REQUESTS_PER_DAY: 3, FREE_MODEL_REQUESTS_PER_DAY_AFTER_PURCHASE: 7, FREE_MODEL_UNLOCK_PURCHASE_USD: "2.5" });
      expect(await admitTimes(limiter, 5, () => request({ purchasedTotal: usd("2.49") }))).toBe(3);
      const error = await refusal(limiter, request());
      expect(error.message).toBe("Rate limit exceeded: free-models-per-day. Add 2.5 credits to unlock 7 free model requests per day");
      expect(await admitTimes(limiter, 5, () => request({ purchasedTotal: usd("2.5") }))).toBe(4);
    });
  });

  describe(`${name}: operator limits per key and per account`, () => {
    const paid = (keyHash = "key-1", accountId = "acct-1") => request({ isFree: false, modelId: "openai/gpt-4o", keyHash, accountId });

    it("enforces a key's requests per minute without touching the account's other keys", async () => {
      const { limiter, settings, clock } = setup();
      settings.set("key", "key-1", { requestsPerMinute: 5 });
      expect(await admitTimes(limiter, 8, () => paid("key-1"))).toBe(5);
      expectRateLimit(await refusal(limiter, paid("key-1")), {
        message: "Rate limit exceeded: key-requests-per-min.",
        limit: 5,
        remaining: 0,
        resetAt: NOON + MINUTE + 12_000 + 1, // 5 × (1 − f) ≤ 4 once f ≥ 0.2
        now: clock.now(),
      });
      expect(await admitTimes(limiter, 8, () => paid("key-2"))).toBe(8);
    });

    it("enforces an account's requests per minute across all its keys", async () => {
      const { limiter, settings } = setup();
      settings.set("account", "acct-1", { requestsPerMinute: 8 });
      expect(await admitTimes(limiter, 12, (index) => paid(`key-${index % 3}`))).toBe(8);
      const error = await refusal(limiter, paid("key-9"));
      expect(error.message).toBe("Rate limit exceeded: account-requests-per-min.");
      expect(await admitTimes(limiter, 3, () => paid("key-1", "acct-2"))).toBe(3);
    });

    it("charges tokens after the fact and refuses admission while the minute's tokens are over the limit", async () => {
      const { limiter, settings, clock } = setup();
      settings.set("key", "key-1", { tokensPerMinute: 1000 });
      const first = await limiter.admit(paid());
      const second = await limiter.admit(paid()); // admitted: nothing charged yet
      await limiter.recordTokens(first, 600);
      await limiter.recordTokens(second, 600); // in flight when the window filled: still charged
      const error = await refusal(limiter, paid());
      expectRateLimit(error, {
        message: "Rate limit exceeded: key-tokens-per-min.",
        limit: 1000,
        remaining: 0,
        // 1200 × (1 − f) ≤ 999 once f ≥ 201/1200
        resetAt: NOON + MINUTE + Math.ceil((MINUTE * 201) / 1200) + 1,
        now: clock.now(),
      });
      expect(await admitTimes(limiter, 3, () => paid("key-2"))).toBe(3);
      clock.set(NOON + MINUTE + 15_000); // 1200 × 0.75 = 900 → 100 tokens left
      const third = await limiter.admit(paid());
      await limiter.recordTokens(third, 100);
      await refusal(limiter, paid());
    });

    it("enforces an account's tokens per minute across its keys", async () => {
      const { limiter, settings } = setup();
      settings.set("account", "acct-1", { tokensPerMinute: 500 });
      await limiter.recordTokens(await limiter.admit(paid("key-1")), 300);
      await limiter.recordTokens(await limiter.admit(paid("key-2")), 250);
      const error = await refusal(limiter, paid("key-3"));
      expect(error.message).toBe("Rate limit exceeded: account-tokens-per-min.");
      expect(error.headers?.["X-RateLimit-Limit"]).toBe("500");
    });

    it("records no tokens when no token limit applied at admission", async () => {
      const { limiter, settings } = setup();
      const ticket = await limiter.admit(paid());
      expect(ticket.tokenCounters).toEqual([]);
      await limiter.recordTokens(ticket, 1_000_000);
      settings.set("key", "key-1", { tokensPerMinute: 10 });
      expect(await admitTimes(limiter, 2, () => paid())).toBe(2);
    });

    it("applies free quotas and operator limits together, all or nothing", async () => {
      const { limiter, settings, clock } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 5 });
      settings.set("key", "key-1", { requestsPerMinute: 3 });
      expect(await admitTimes(limiter, 6, () => request())).toBe(3);
      // The three refusals above advanced nothing: the day still has 2 left.
      clock.set(NOON + 3 * MINUTE);
      expect(await admitTimes(limiter, 3, () => request())).toBe(2);
      const error = await refusal(limiter, request());
      expect(error.message).toContain("free-models-per-day");
    });

    it("reports the limit that keeps the caller out longest", async () => {
      const { limiter } = setup({ FREE_MODEL_REQUESTS_PER_DAY: 20 });
      expect(await admitTimes(limiter, 20, () => request())).toBe(20);
      // Both the minute (20) and the day (20) are exhausted: the day decides when a retry can succeed.
      const error = await refusal(limiter, request());
      expect(error.message).toContain("free-models-per-day");
      expect(error.headers?.["X-RateLimit-Reset"]).toBe(String(NEXT_MIDNIGHT));
    });
  });

  describe(`${name}: concurrency`, () => {
    it("admits exactly the limit out of 100 concurrent requests", async () => {
      const { limiter } = setup();
      const outcomes = await Promise.all(Array.from({ length: 100 }, () => tryAdmit(limiter, request())));
      expect(outcomes.filter((outcome) => !(outcome instanceof GatewayError))).toHaveLength(20);
    });
  });
}
