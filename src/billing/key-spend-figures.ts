import type { KeySpendRow, LimitReset } from "../db/schema/index.js";
import type { PeriodStarts } from "./limit-periods.js";
import type { Amount } from "./money.js";
import { maxAmount } from "./money.js";

/**
 * A key's spend as of now: `key_spend` counters whose period has passed read as zero (the row is only
 * rewritten by the next settlement). The same rule is written in SQL in the ledger's reserve statement.
 */
export interface KeySpendFigures {
  usage: Amount;
  usageDaily: Amount;
  usageWeekly: Amount;
  usageMonthly: Amount;
  byokUsage: Amount;
  byokUsageDaily: Amount;
  byokUsageWeekly: Amount;
  byokUsageMonthly: Amount;
  /** Held by open reservations. */
  reserved: Amount;
}

export const ZERO_SPEND: KeySpendFigures = {
  usage: 0n,
  usageDaily: 0n,
  usageWeekly: 0n,
  usageMonthly: 0n,
  byokUsage: 0n,
  byokUsageDaily: 0n,
  byokUsageWeekly: 0n,
  byokUsageMonthly: 0n,
  reserved: 0n,
};

/** The key's figures in the current periods. */
export function currentSpend(row: KeySpendRow | undefined, periods: PeriodStarts): KeySpendFigures {
  if (row === undefined) return ZERO_SPEND;
  const today = row.dayStart >= periods.day;
  const thisWeek = row.weekStart >= periods.week;
  const thisMonth = row.monthStart >= periods.month;
  return {
    usage: row.usage,
    usageDaily: today ? row.usageDaily : 0n,
    usageWeekly: thisWeek ? row.usageWeekly : 0n,
    usageMonthly: thisMonth ? row.usageMonthly : 0n,
    byokUsage: row.byokUsage,
    byokUsageDaily: today ? row.byokUsageDaily : 0n,
    byokUsageWeekly: thisWeek ? row.byokUsageWeekly : 0n,
    byokUsageMonthly: thisMonth ? row.byokUsageMonthly : 0n,
    reserved: row.reserved,
  };
}

/** The spend that counts toward a key's limit: its reset period's usage (lifetime when none), plus BYOK if asked. */
export function usageTowardLimit(spend: KeySpendFigures, key: { limitReset: LimitReset | null; includeByokInLimit: boolean }): Amount {
  const [credits, byok] =
    key.limitReset === "daily"
      ? [spend.usageDaily, spend.byokUsageDaily]
      : key.limitReset === "weekly"
        ? [spend.usageWeekly, spend.byokUsageWeekly]
        : key.limitReset === "monthly"
          ? [spend.usageMonthly, spend.byokUsageMonthly]
          : [spend.usage, spend.byokUsage];
  return key.includeByokInLimit ? credits + byok : credits;
}

/** What is left of a key's limit (null = unlimited), not counting reservations; never below zero. */
export function limitRemaining(
  spend: KeySpendFigures,
  key: { spendLimit: Amount | null; limitReset: LimitReset | null; includeByokInLimit: boolean },
): Amount | null {
  if (key.spendLimit === null) return null;
  return maxAmount(0n, key.spendLimit - usageTowardLimit(spend, key));
}
