import { sql } from "drizzle-orm";
import { bigint, date, index, numeric, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Usage rollups: generation records summed per UTC hour (and per UTC day), so usage queries read a few
 * thousand pre-summed rows instead of scanning millions of generations. They are maintained by the
 * `generations_rollup` trigger (migration 0007) in the same statement that inserts a batch of generations, so
 * a rollup never disagrees with the rows it summed: both commit together or neither does. Deleting old
 * generations (GENERATION_RETENTION_DAYS) leaves the rollups alone: history stays summable after raw rows go.
 *
 * Dimension columns are NOT NULL so they can be part of the primary key: an absent account, key or provider
 * is stored as the empty string and read back as null. Money is in pico-dollars, like the ledger.
 */
/** A running count (tokens, requests): a bigint, since sums over years overflow 32 bits. Zero by SQL default (drizzle-kit cannot snapshot a BigInt one). */
const count_ = (name: string) => bigint(name, { mode: "bigint" }).notNull().default(sql`0`);

const measures = () => ({
  requests: count_("requests"),
  tokensPrompt: count_("tokens_prompt"),
  tokensCompletion: count_("tokens_completion"),
  tokensReasoning: count_("tokens_reasoning"),
  tokensCached: count_("tokens_cached"),
  /**
   * Sum of `generations.total_cost`, pico-dollars: equal to the usage ledger entries of the same generations.
   * An exact numeric, not a bigint: a bigint holds about $9.2 million, which one busy day of a whole gateway
   * (or a few records at the column's limit) could pass, and an overflow would fail the generation batch.
   */
  cost: numeric("cost", { precision: 38, scale: 0 }).notNull().default("0"),
  /** Generations that ended in an error (`finish_reason = 'error'` or an error message). */
  errors: count_("errors"),
  cancelled: count_("cancelled"),
  latencyMsSum: count_("latency_ms_sum"),
});

/** Per UTC hour, account, key, model and provider: the finest rollup, used when a query names keys or hours. */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    accountId: text("account_id").notNull().default(""),
    keyHash: text("key_hash").notNull().default(""),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    ...measures(),
  },
  (table) => [
    primaryKey({ name: "usage_hourly_pk", columns: [table.hour, table.accountId, table.keyHash, table.model, table.providerSlug] }),
    index("usage_hourly_account_hour_idx").on(table.accountId, table.hour),
    index("usage_hourly_key_hour_idx").on(table.keyHash, table.hour),
  ],
);

/**
 * Per UTC day, account, model and provider (no key): what by-day and by-model queries over whole days read.
 * With 100 keys the hourly table has up to 100 times more rows for the same answer.
 */
export const usageDaily = pgTable(
  "usage_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    accountId: text("account_id").notNull().default(""),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    ...measures(),
  },
  (table) => [
    primaryKey({ name: "usage_daily_pk", columns: [table.day, table.accountId, table.model, table.providerSlug] }),
    index("usage_daily_account_day_idx").on(table.accountId, table.day),
  ],
);

/**
 * Per UTC day, model and provider over every account: what an operator's whole-gateway dashboard reads (the
 * accounts' daily rows summed once at write time instead of on every query).
 */
export const usageDailyAllAccounts = pgTable(
  "usage_daily_all_accounts",
  {
    day: date("day", { mode: "string" }).notNull(),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    ...measures(),
  },
  (table) => [primaryKey({ name: "usage_daily_all_accounts_pk", columns: [table.day, table.model, table.providerSlug] })],
);

/**
 * Latency histogram per hour and dimension: `count` generations whose latency fell in `bucket`, a log scale with
 * four buckets per doubling (bucket b holds latencies L with 2^(b/4) <= L+1 < 2^((b+1)/4)). Percentiles read
 * from it are exact to the bucket, that is within 19 % (see `src/usage/latency-buckets.ts`).
 */
export const usageLatencyHourly = pgTable(
  "usage_latency_hourly",
  {
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    accountId: text("account_id").notNull().default(""),
    keyHash: text("key_hash").notNull().default(""),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    bucket: smallint("bucket").notNull(),
    count: count_("count"),
  },
  (table) => [
    primaryKey({ name: "usage_latency_hourly_pk", columns: [table.hour, table.accountId, table.keyHash, table.model, table.providerSlug, table.bucket] }),
    index("usage_latency_hourly_account_hour_idx").on(table.accountId, table.hour),
  ],
);

/** The latency histogram per UTC day, account, model and provider: what daily usage questions with percentiles read. */
export const usageLatencyDaily = pgTable(
  "usage_latency_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    accountId: text("account_id").notNull().default(""),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    bucket: smallint("bucket").notNull(),
    count: count_("count"),
  },
  (table) => [
    primaryKey({ name: "usage_latency_daily_pk", columns: [table.day, table.accountId, table.model, table.providerSlug, table.bucket] }),
    index("usage_latency_daily_account_day_idx").on(table.accountId, table.day),
  ],
);

/** The latency histogram per UTC day, model and provider over every account. */
export const usageLatencyDailyAllAccounts = pgTable(
  "usage_latency_daily_all_accounts",
  {
    day: date("day", { mode: "string" }).notNull(),
    model: text("model").notNull(),
    providerSlug: text("provider_slug").notNull().default(""),
    bucket: smallint("bucket").notNull(),
    count: count_("count"),
  },
  (table) => [primaryKey({ name: "usage_latency_daily_all_accounts_pk", columns: [table.day, table.model, table.providerSlug, table.bucket] })],
);

export type UsageHourlyRow = typeof usageHourly.$inferSelect;
