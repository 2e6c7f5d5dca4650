import type { LimitsPolicy } from "./limits-config.js";
import type { AdmitRequest, TokenCounter } from "./rate-limiter.js";
import type { RequestLimitSettings } from "./settings/rate-limit-settings.js";
import type { CounterRule } from "./window-counter.js";

export const MINUTE_MS = 60_000;
/** A fixed window of this length, counted from the Unix epoch, starts and ends at 00:00 UTC. */
export const UTC_DAY_MS = 86_400_000;

/**
 * Names of the limits, as they appear in the 429 message ("Rate limit exceeded: <name>."). The free-model
 * names are OpenRouter's own.
 */
export type LimitName =
  | "free-models-per-min"
  | "free-models-per-day"
  | "free-models-per-day-high-balance"
  | "key-requests-per-min"
  | "account-requests-per-min"
  | "key-tokens-per-min"
  | "account-tokens-per-min";

/** A counter rule with the limit it enforces. */
export interface LimitRule extends CounterRule {
  name: LimitName;
}

/**
 * Redis keys of one account share the `{accountId}` hash tag so that one script may touch them all on a
 * cluster. Layout: `<prefix>{<account>}:<counter>`.
 */
export function counterKeys(prefix: string, accountId: string, keyHash: string) {
  const base = `${prefix}{${accountId}}`;
  return {
    freePerMinute: (modelId: string) => `${base}:free-min:${modelId}`,
    freePerDay: `${base}:free-day`,
    keyRequests: `${base}:key:${keyHash}:rpm`,
    accountRequests: `${base}:rpm`,
    keyTokens: `${base}:key:${keyHash}:tpm`,
    accountTokens: `${base}:tpm`,
  };
}

/**
 * The daily free-model quota of an account: its counter, and the limit its purchases unlock. Shared by
 * admission and by `GET /key`'s `free_model_daily_requests`, which only reads it.
 */
export function freeDailyRule(policy: LimitsPolicy, key: string, purchasedTotal: AdmitRequest["purchasedTotal"]): Omit<LimitRule, "cost" | "increment"> {
  const unlocked = purchasedTotal >= policy.unlockPurchase;
  return {
    name: unlocked ? "free-models-per-day-high-balance" : "free-models-per-day",
    key,
    windowMs: UTC_DAY_MS,
    limit: unlocked ? policy.freePerDayAfterPurchase : policy.freePerDay,
    sliding: false,
  };
}

/**
 * Every limit that applies to one request. Minute limits are sliding windows; the daily free quota is a
 * fixed window keyed by UTC day. The daily counter is the same whatever the quota, so an account that buys
 * credits mid-day keeps what it used and gets the difference.
 */
export function rulesForRequest(
  policy: LimitsPolicy,
  request: AdmitRequest,
  settings: RequestLimitSettings,
): { rules: LimitRule[]; tokenCounters: TokenCounter[] } {
  const keys = counterKeys(policy.keyPrefix, request.accountId, request.keyHash);
  const rules: LimitRule[] = [];
  const requests = { cost: 1, increment: true };
  if (request.isFree) {
    rules.push({ name: "free-models-per-min", key: keys.freePerMinute(request.modelId), windowMs: MINUTE_MS, limit: policy.freePerMinute, sliding: true, ...requests });
    rules.push({ ...freeDailyRule(policy, keys.freePerDay, request.purchasedTotal), ...requests });
  }
  if (settings.key.requestsPerMinute !== null) {
    rules.push({ name: "key-requests-per-min", key: keys.keyRequests, windowMs: MINUTE_MS, limit: settings.key.requestsPerMinute, sliding: true, ...requests });
  }
  if (settings.account.requestsPerMinute !== null) {
    rules.push({ name: "account-requests-per-min", key: keys.accountRequests, windowMs: MINUTE_MS, limit: settings.account.requestsPerMinute, sliding: true, ...requests });
  }
  // Token limits are only read at admission (cost 1: "at least one token left"); tokens are charged afterwards.
  const tokenCounters: TokenCounter[] = [];
  const tokens = { cost: 1, increment: false, sliding: true, windowMs: MINUTE_MS };
  if (settings.key.tokensPerMinute !== null) {
    rules.push({ name: "key-tokens-per-min", key: keys.keyTokens, limit: settings.key.tokensPerMinute, ...tokens });
    tokenCounters.push({ key: keys.keyTokens, windowMs: MINUTE_MS });
  }
  if (settings.account.tokensPerMinute !== null) {
    rules.push({ name: "account-tokens-per-min", key: keys.accountTokens, limit: settings.account.tokensPerMinute, ...tokens });
    tokenCounters.push({ key: keys.accountTokens, windowMs: MINUTE_MS });
  }
  return { rules, tokenCounters };
}
