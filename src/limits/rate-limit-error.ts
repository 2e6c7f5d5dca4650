import { formatUsd } from "../billing/money.js";
import { GatewayError } from "../core/errors.js";
import type { LimitRule } from "./limit-rules.js";
import type { LimitsPolicy } from "./limits-config.js";
import type { CounterResult } from "./window-counter.js";

/** The headers of a 429, as OpenRouter sends them (and only on 429s). `X-RateLimit-Reset` is ms since the epoch. */
export interface RateLimitHeaders {
  "Retry-After": string;
  "X-RateLimit-Limit": string;
  "X-RateLimit-Remaining": string;
  "X-RateLimit-Reset": string;
}

/** OpenRouter's wording: "Rate limit exceeded: <limit name>." plus, for the low daily quota, how to raise it. */
export function rateLimitMessage(rule: LimitRule, policy: LimitsPolicy): string {
  if (rule.name === "free-models-per-day") {
    return `Rate limit exceeded: free-models-per-day. Add ${formatUsd(policy.unlockPurchase)} credits to unlock ${policy.freePerDayAfterPurchase} free model requests per day`;
  }
  return `Rate limit exceeded: ${rule.name}.`;
}

/**
 * The 429 for a refused admission. Headers go both on the HTTP response and in `metadata.headers`, the way
 * OpenRouter's platform 429s carry them, so clients that only see the body can still back off.
 */
export function rateLimitExceeded(options: { rule: LimitRule; result: CounterResult; now: number; policy: LimitsPolicy }): GatewayError {
  const { rule, result, now } = options;
  const headers: RateLimitHeaders = {
    "Retry-After": String(Math.max(1, Math.ceil((result.resetAt - now) / 1000))),
    "X-RateLimit-Limit": String(rule.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(result.resetAt),
  };
  return new GatewayError("rate_limit_exceeded", rateLimitMessage(rule, options.policy), {
    retryable: true,
    headers: { ...headers },
    metadata: { headers: { ...headers } },
  });
}
