import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { toUsdNumber } from "../../billing/money.js";
import { usageFields } from "./serialize-key.js";

/** OpenRouter's legacy `rate_limit` object: "Will always return -1", kept because clients still read it. */
const LEGACY_RATE_LIMIT = { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." };

/**
 * Fields OpenRouter's SDK requires that a self-hosted gateway has no value for: no organisations, and no
 * restriction on the data regions a key's requests may be served in.
 */
const SINGLE_TENANT_FIELDS = { organization_id: null, allowed_data_regions: ["global"] };

const NO_USAGE = {
  usage: 0,
  usage_daily: 0,
  usage_weekly: 0,
  usage_monthly: 0,
  byok_usage: 0,
  byok_usage_daily: 0,
  byok_usage_weekly: 0,
  byok_usage_monthly: 0,
};

/**
 * `GET /api/v1/key`: the calling key, of any kind: label, limit and what is left of it, usage in the current
 * UTC day, week (from Monday) and month, whether its account has never bought credits (`is_free_tier`), and its
 * account's `:free` model requests today against the daily quota (`free_model_daily_requests`).
 * The MANAGEMENT_KEY bootstrap key, which is not stored, reports itself with no limit and no usage.
 */
export function registerKeyRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/key", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const isManagement = principal.kind === "management";
    if (principal.key === undefined) {
      return {
        data: {
          label: "MANAGEMENT_KEY",
          limit: null,
          limit_remaining: null,
          limit_reset: null,
          include_byok_in_limit: false,
          ...NO_USAGE,
          is_free_tier: false,
          is_management_key: true,
          is_provisioning_key: true,
          creator_user_id: null,
          expires_at: null,
          rate_limit: LEGACY_RATE_LIMIT,
          ...SINGLE_TENANT_FIELDS,
          free_model_daily_requests: { limit: 0, used: 0, remaining: 0 },
          workspace_id: null,
        },
      };
    }
    const view = await services.keys.get(principal, principal.keyHash);
    const purchased = view.accountId === null ? 0n : await services.ledger.totalPurchased(view.accountId);
    const freeToday =
      view.accountId === null ? { limit: 0, used: 0, remaining: 0 } : await services.limits.freeDailyQuota({ accountId: view.accountId, purchasedTotal: purchased });
    return {
      data: {
        label: view.label,
        limit: view.spendLimit === null ? null : toUsdNumber(view.spendLimit),
        limit_remaining: view.limitRemaining === null ? null : toUsdNumber(view.limitRemaining),
        limit_reset: view.limitReset,
        include_byok_in_limit: view.includeByokInLimit,
        ...usageFields(view),
        is_free_tier: view.accountId !== null && purchased <= 0n,
        is_management_key: isManagement,
        is_provisioning_key: isManagement,
        creator_user_id: view.creatorUserId,
        expires_at: view.expiresAt?.toISOString() ?? null,
        rate_limit: LEGACY_RATE_LIMIT,
        ...SINGLE_TENANT_FIELDS,
        free_model_daily_requests: freeToday,
        workspace_id: view.accountId,
      },
    };
  });
}
