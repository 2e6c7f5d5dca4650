import type { Principal } from "../auth/principal.js";
import type { Amount } from "../billing/money.js";
import { GatewayError } from "../core/errors.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { RateLimiter } from "./rate-limiter.js";
import { BoundedMap } from "../cache/bounded-map.js";

/** The admission port of the completion pipeline (`src/completions/completion-ports.ts`), stated structurally. */
export interface LimiterAdmission {
  admit(principal: Principal, request: { modelId: string; isFree: boolean }): Promise<{ recordTokens(tokens: number): Promise<void> }>;
}

/**
 * Connects the limiter to the completion pipeline: fills in the account's total purchases (which decide the
 * daily free quota) and binds the ticket so the pipeline only reports tokens. Purchases are cached per
 * account for `purchasedCacheMs`: a purchase only ever raises the quota, so a few seconds' delay costs a
 * buyer at most a few seconds of the lower quota, while free requests stay off the database.
 */
export function createLimiterAdmission(options: {
  limiter: RateLimiter;
  /** Credits the account ever bought (the ledger's `totalPurchased`). */
  purchasedTotal: (accountId: string) => Promise<Amount>;
  purchasedCacheMs?: number;
  clock?: Clock;
}): LimiterAdmission {
  const { limiter } = options;
  const clock = options.clock ?? systemClock;
  const cacheMs = options.purchasedCacheMs ?? 5000;
  const purchases = new BoundedMap<string, { total: Amount; expiresAt: number }>(50_000);

  async function purchasedTotal(accountId: string): Promise<Amount> {
    const hit = purchases.get(accountId);
    if (hit !== undefined && hit.expiresAt > clock.now()) return hit.total;
    const total = await options.purchasedTotal(accountId);
    purchases.set(accountId, { total, expiresAt: clock.now() + cacheMs });
    return total;
  }

  return {
    async admit(principal, request) {
      if (principal.accountId === null) throw new GatewayError("permission_denied", "Management keys cannot call models; use an API key");
      const accountId = principal.accountId;
      // Only free requests depend on purchases; paid ones skip the lookup.
      const purchased = request.isFree ? await purchasedTotal(accountId) : 0n;
      const ticket = await limiter.admit({ accountId, keyHash: principal.keyHash, modelId: request.modelId, isFree: request.isFree, purchasedTotal: purchased });
      return { recordTokens: (tokens) => limiter.recordTokens(ticket, tokens) };
    },
  };
}
