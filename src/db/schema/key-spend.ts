import { sql } from "drizzle-orm";
import { check, date, pgTable, text } from "drizzle-orm/pg-core";
import { amount, updatedAt } from "./columns.js";
import { apiKeys } from "./api-keys.js";

/**
 * What one API key has spent, kept apart from `api_keys` so the hot counters do not churn the key's row.
 * One row per key, created with it.
 *
 * Business rules: the daily, weekly and monthly counters belong to the period starting on `day_start`,
 * `week_start` (a Monday) and `month_start` (UTC dates); a settlement in a later period starts the counter
 * over, so a counter whose start is not the current period reads as zero. `reserved` is the key's share of
 * open reservations; the key's spend limit is checked against usage in its reset period plus `reserved`, in
 * the same conditional update that takes the reservation. `byok_*` counts bring-your-own-key spend, which
 * is not charged to credits and counts toward the limit only when the key says so.
 */
export const keySpend = pgTable(
  "key_spend",
  {
    keyHash: text("key_hash")
      .primaryKey()
      .references(() => apiKeys.hash, { onDelete: "cascade" }),
    reserved: amount("reserved"),
    usage: amount("usage"),
    byokUsage: amount("byok_usage"),
    dayStart: date("day_start", { mode: "string" }).notNull().default("1970-01-01"),
    usageDaily: amount("usage_daily"),
    byokUsageDaily: amount("byok_usage_daily"),
    weekStart: date("week_start", { mode: "string" }).notNull().default("1970-01-01"),
    usageWeekly: amount("usage_weekly"),
    byokUsageWeekly: amount("byok_usage_weekly"),
    monthStart: date("month_start", { mode: "string" }).notNull().default("1970-01-01"),
    usageMonthly: amount("usage_monthly"),
    byokUsageMonthly: amount("byok_usage_monthly"),
    updatedAt: updatedAt(),
  },
  (table) => [check("key_spend_reserved_ck", sql`${table.reserved} >= 0`)],
);

export type KeySpendRow = typeof keySpend.$inferSelect;
