import type { Redis } from "ioredis";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { CounterStore } from "./counter-store.js";
import { createInProcessCounterStore } from "./in-process-counter-store.js";
import type { LimitRule } from "./limit-rules.js";
import { counterKeys, freeDailyRule, rulesForRequest } from "./limit-rules.js";
import type { LimitsConfig } from "./limits-config.js";
import { limitsPolicy } from "./limits-config.js";
import { rateLimitExceeded } from "./rate-limit-error.js";
import type { RateLimiter } from "./rate-limiter.js";
import { createRedisCounterStore } from "./redis/redis-counter-store.js";
import type { LimitSettingsSource } from "./settings/rate-limit-settings.js";
import { noOperatorLimits } from "./settings/rate-limit-settings.js";

export interface CreateLimiterOptions {
  /** Shared counters in this Redis (one Lua script per check); in-process counters when absent. */
  redis?: Redis;
  clock?: Clock;
  /** Operator-set per-key and per-account limits; none when absent. */
  settings?: LimitSettingsSource;
}

/**
 * Builds the rate limiter the configuration asks for: Redis-backed when a connection is given (the
 * composition root passes one when REDIS_URL is set), in-process otherwise. Both share the rules, the
 * counting and the 429s; only where counters live differs.
 */
export function createLimiter(config: LimitsConfig, options: CreateLimiterOptions = {}): RateLimiter {
  const store = options.redis === undefined ? createInProcessCounterStore() : createRedisCounterStore(options.redis);
  return createLimiterOnStore({ config, store, clock: options.clock ?? systemClock, settings: options.settings ?? noOperatorLimits });
}

/** The limiter over any counter store (exposed for tests that bring their own store). */
export function createLimiterOnStore(options: {
  config: LimitsConfig;
  store: CounterStore;
  clock: Clock;
  settings: LimitSettingsSource;
}): RateLimiter {
  const { store, clock, settings } = options;
  const policy = limitsPolicy(options.config);

  return {
    kind: store.kind,
    async admit(request) {
      const { rules, tokenCounters } = rulesForRequest(policy, request, await settings.forRequest(request.accountId, request.keyHash));
      const now = clock.now();
      const ticket = { accountId: request.accountId, keyHash: request.keyHash, admittedAt: now, tokenCounters };
      if (rules.length === 0) return ticket;
      const outcome = await store.apply({ now, mode: "admit", rules });
      if (outcome.admitted) return ticket;
      // Report the limit that keeps the caller out longest: retrying earlier would only be refused again.
      let binding: { rule: LimitRule; index: number } | undefined;
      rules.forEach((rule, index) => {
        const result = outcome.results[index]!;
        // With integer costs, `count + cost > limit` is exactly `floor(limit - count) < cost`.
        if (result.remaining >= rule.cost) return;
        if (binding === undefined || result.resetAt > outcome.results[binding.index]!.resetAt) binding = { rule, index };
      });
      const chosen = binding ?? { rule: rules[0]!, index: 0 };
      throw rateLimitExceeded({ rule: chosen.rule, result: outcome.results[chosen.index]!, now, policy });
    },
    async recordTokens(ticket, tokens) {
      if (ticket.tokenCounters.length === 0 || !(tokens > 0)) return;
      const cost = Math.ceil(tokens);
      await store.apply({
        now: clock.now(),
        mode: "charge",
        rules: ticket.tokenCounters.map((counter) => ({ key: counter.key, windowMs: counter.windowMs, limit: 0, cost, increment: true, sliding: true })),
      });
    },
    async freeDailyQuota(input) {
      const rule = { ...freeDailyRule(policy, counterKeys(policy.keyPrefix, input.accountId, "").freePerDay, input.purchasedTotal), cost: 0, increment: false };
      const outcome = await store.apply({ now: clock.now(), mode: "admit", rules: [rule] });
      const remaining = Math.min(rule.limit, outcome.results[0]?.remaining ?? rule.limit);
      return { limit: rule.limit, used: rule.limit - remaining, remaining };
    },
    close: () => Promise.resolve(),
  };
}
