import type { KeyView } from "../../accounts/key-view.js";
import { toUsdNumber } from "../../billing/money.js";
import type { Amount } from "../../billing/money.js";

/**
 * Keys in OpenRouter's shapes (`GET /key`, `/keys`), from the exact figures: amounts become JSON numbers
 * here, at the edge, and nowhere else.
 */

/** OpenRouter's KeyInfo, as `/keys` returns it. */
export interface OpenRouterKeyInfo {
  hash: string;
  name: string;
  label: string;
  disabled: boolean;
  limit: number | null;
  limit_remaining: number | null;
  limit_reset: string | null;
  include_byok_in_limit: boolean;
  usage: number;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
  byok_usage: number;
  byok_usage_daily: number;
  byok_usage_weekly: number;
  byok_usage_monthly: number;
  created_at: string;
  updated_at: string | null;
  expires_at: string | null;
  creator_user_id: string | null;
  /** OpenRouter's partner-defined identity of a key; keys here have none. */
  external_user: string | null;
  /** Our accounts play the part of OpenRouter's workspaces. */
  workspace_id: string;
}

function usd(amount: Amount | null): number | null {
  return amount === null ? null : toUsdNumber(amount);
}

/** The usage figures shared by `/key` and `/keys`. */
export function usageFields(view: KeyView) {
  return {
    usage: toUsdNumber(view.spend.usage),
    usage_daily: toUsdNumber(view.spend.usageDaily),
    usage_weekly: toUsdNumber(view.spend.usageWeekly),
    usage_monthly: toUsdNumber(view.spend.usageMonthly),
    byok_usage: toUsdNumber(view.spend.byokUsage),
    byok_usage_daily: toUsdNumber(view.spend.byokUsageDaily),
    byok_usage_weekly: toUsdNumber(view.spend.byokUsageWeekly),
    byok_usage_monthly: toUsdNumber(view.spend.byokUsageMonthly),
  };
}

export function serializeKeyInfo(view: KeyView): OpenRouterKeyInfo {
  return {
    hash: view.hash,
    name: view.name,
    label: view.label,
    disabled: view.disabled,
    limit: usd(view.spendLimit),
    limit_remaining: usd(view.limitRemaining),
    limit_reset: view.limitReset,
    include_byok_in_limit: view.includeByokInLimit,
    ...usageFields(view),
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
    expires_at: view.expiresAt?.toISOString() ?? null,
    creator_user_id: view.creatorUserId,
    external_user: null,
    workspace_id: view.accountId ?? "",
  };
}
