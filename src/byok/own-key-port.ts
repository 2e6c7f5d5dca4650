import { sql } from "drizzle-orm";
import { byokFee, byokFeeBound } from "../billing/byok-fee.js";
import { periodStarts } from "../billing/limit-periods.js";
import type { Amount } from "../billing/money.js";
import type { Rate } from "../billing/rate.js";
import { queryRows, toAmount } from "../billing/sql-rows.js";
import type { OwnKeyPort } from "../completions/completion-ports.js";
import type { Database } from "../db/client.js";
import type { ByokService } from "./byok-service.js";

/**
 * Connects the completion pipeline's BYOK port to the BYOK service and the fee policy: `BYOK_FEE_RATE` of
 * the upstream price, after `BYOK_FREE_ALLOWANCE_USD` of upstream spend per account and UTC calendar month.
 * The month's spend so far is the sum of the account's keys' monthly BYOK counters (`key_spend`), read only
 * when an allowance is configured. The counters hold written charges only, so requests settling within one
 * ledger write may each see the allowance left before any of them: the allowance can then be over-granted by
 * their share, the fee is never over-charged.
 */
export function createOwnKeyPort(options: { byok: ByokService; db: Database; rate: Rate; monthlyAllowance: Amount }): OwnKeyPort {
  const { rate, monthlyAllowance } = options;

  async function monthlySpend(accountId: string, now: number): Promise<Amount> {
    const month = periodStarts(now).month;
    const [row] = await queryRows<{ spent: unknown }>(
      options.db,
      sql`select coalesce(sum(s.byok_usage_monthly), 0)::bigint as spent
        from key_spend as s join api_keys as k on k.hash = s.key_hash
        where k.account_id = ${accountId}::uuid and s.month_start >= ${month}::date`,
    );
    return toAmount(row?.spent);
  }

  return {
    keysOf: (accountId) => options.byok.ownKeys(accountId),
    feeBound: (maxUpstreamCost) => byokFeeBound(maxUpstreamCost, rate),
    async fee(accountId, upstreamCost, now) {
      const allowanceLeft = monthlyAllowance > 0n ? monthlyAllowance - (await monthlySpend(accountId, now)) : 0n;
      return byokFee({ upstreamCost, rate, allowanceLeft }).fee;
    },
    reportRejected: (input) => options.byok.reportRejected(input),
  };
}
