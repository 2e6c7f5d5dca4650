import type { Amount } from "../billing/money.js";

/** What the chat pipeline knows about a request when it asks to be admitted. */
export interface AdmitRequest {
  accountId: string;
  /** SHA-256 hex of the calling key (its public id). */
  keyHash: string;
  /** The routable model id, e.g. `meta-llama/llama-3.3-70b-instruct:free`. Free quotas count per model. */
  modelId: string;
  /** Whether the request goes to a `:free` endpoint, which is subject to the free-model quotas. */
  isFree: boolean;
  /** Credits ever purchased by the account; at or above the configured threshold the daily free quota is raised. */
  purchasedTotal: Amount;
}

/** A tokens-per-minute counter that the request's actual tokens are charged to once it is done. */
export interface TokenCounter {
  key: string;
  windowMs: number;
}

/**
 * Proof of admission, handed back to {@link RateLimiter.recordTokens} once the request's token count is
 * known. Carries what it needs so recording does not read settings again.
 */
export interface AdmissionTicket {
  readonly accountId: string;
  readonly keyHash: string;
  /** When the request was admitted (ms since the epoch, from the limiter's clock). */
  readonly admittedAt: number;
  /** The TPM counters in force at admission; empty when neither key nor account has a TPM limit. */
  readonly tokenCounters: readonly TokenCounter[];
}

/** Requests to `:free` models today: the account's limit, what it used and what is left. */
export interface FreeDailyQuota {
  limit: number;
  used: number;
  remaining: number;
}

/**
 * Rate limits and free-tier quotas, checked before a request is routed. One implementation keeps counters
 * in process (one instance), the other in Redis so every instance sharing it enforces one global limit.
 */
export interface RateLimiter {
  /** `in-process` or `redis`, for health output and logs. */
  readonly kind: "in-process" | "redis";
  /**
   * Counts the request against every limit that applies, all or nothing: either every counter is advanced
   * and a ticket returned, or none is and a 429 {@link GatewayError} (`rate_limit_exceeded`) is thrown with
   * `Retry-After` and `X-RateLimit-*` headers for the most binding limit.
   */
  admit(request: AdmitRequest): Promise<AdmissionTicket>;
  /**
   * Charges the tokens a finished request actually used to its key's and account's tokens-per-minute
   * windows. A request already under way is never cut off; the next admission is refused while the window
   * is over its limit.
   */
  recordTokens(ticket: AdmissionTicket, tokens: number): Promise<void>;
  /** The account's daily `:free` model quota today (UTC), read without counting anything. */
  freeDailyQuota(input: { accountId: string; purchasedTotal: Amount }): Promise<FreeDailyQuota>;
  /** Releases timers; the Redis connection belongs to whoever created it. */
  close(): Promise<void>;
}
