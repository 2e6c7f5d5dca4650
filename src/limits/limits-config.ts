import type { Amount } from "../billing/money.js";
import { parseUsd } from "../billing/money.js";
import type { Config } from "../config/config.js";

/** The configuration fields the limiter reads (a subset, so tests can pass just these). */
export type LimitsConfig = Pick<
  Config,
  | "FREE_MODEL_REQUESTS_PER_MINUTE"
  | "FREE_MODEL_REQUESTS_PER_DAY"
  | "FREE_MODEL_REQUESTS_PER_DAY_AFTER_PURCHASE"
  | "FREE_MODEL_UNLOCK_PURCHASE_USD"
  | "RATE_LIMIT_KEY_PREFIX"
>;

/** The defaults, matching OpenRouter's published free-model limits. */
export const DEFAULT_LIMITS_CONFIG: LimitsConfig = {
  FREE_MODEL_REQUESTS_PER_MINUTE: 20,
  FREE_MODEL_REQUESTS_PER_DAY: 50,
  FREE_MODEL_REQUESTS_PER_DAY_AFTER_PURCHASE: 1000,
  FREE_MODEL_UNLOCK_PURCHASE_USD: "10",
  RATE_LIMIT_KEY_PREFIX: "gw:rl:",
};

/** The configuration in the form the rules use: the unlock amount as exact money. */
export interface LimitsPolicy {
  freePerMinute: number;
  freePerDay: number;
  freePerDayAfterPurchase: number;
  unlockPurchase: Amount;
  keyPrefix: string;
}

export function limitsPolicy(config: LimitsConfig): LimitsPolicy {
  return {
    freePerMinute: config.FREE_MODEL_REQUESTS_PER_MINUTE,
    freePerDay: config.FREE_MODEL_REQUESTS_PER_DAY,
    freePerDayAfterPurchase: config.FREE_MODEL_REQUESTS_PER_DAY_AFTER_PURCHASE,
    unlockPurchase: parseUsd(config.FREE_MODEL_UNLOCK_PURCHASE_USD),
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
  };
}
