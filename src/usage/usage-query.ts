import { sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { Amount } from "../billing/money.js";
import { queryRows } from "../billing/sql-rows.js";
import { invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { latencyBucketUpperMs } from "./latency-buckets.js";
import type { ScopedUsageFilter, UsageDimension } from "./usage-filter.js";
import { USAGE_SUMS, toUsageSums, type UsageSumsRow } from "./usage-sums.js";

/** One row of a usage answer: the group's dimension values (null when not grouped by it) and its sums. */
export interface UsageFigures {
  /** UTC date, YYYY-MM-DD. */
  day: string | null;
  hour: Date | null;
  model: string | null;
  provider: string | null;
  keyHash: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  /** Pico-dollars, exact. */
  cost: Amount;
  errors: number;
  cancelled: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface UsageQuery {
  filter: ScopedUsageFilter;
  groupBy: readonly UsageDimension[];
  /** Read the latency histogram too (a second statement); off when nobody asked for percentiles. */
  latency: boolean;
}

const DAY_MS = 86_400_000;

/** Rows one usage answer may hold; a wider question (say every hour of a year by key and model) is refused, not truncated. */
export const MAX_USAGE_ROWS = 10_000;

function isUtcMidnight(date: Date | undefined): boolean {
  return date === undefined || date.getTime() % DAY_MS === 0;
}


interface Source {
  table: SQL;
  /** Rows are whole UTC days (`to` compares as a date) rather than hours. */
  wholeDays: boolean;
  dimensions: Record<UsageDimension, SQL | undefined>;
  time: SQL;
  timeLiteral: (date: Date) => SQL;
}

const HOURLY: Source = {
  table: sql.raw(`"usage_hourly"`),
  wholeDays: false,
  dimensions: {
    day: sql.raw(`to_char(r."hour" at time zone 'UTC', 'YYYY-MM-DD')`),
    hour: sql.raw(`r."hour"`),
    model: sql.raw(`r."model"`),
    provider: sql.raw(`r."provider_slug"`),
    key: sql.raw(`r."key_hash"`),
  },
  time: sql.raw(`r."hour"`),
  timeLiteral: (date) => sql`date_trunc('hour', ${date.toISOString()}::timestamptz at time zone 'UTC') at time zone 'UTC'`,
};

const DAILY: Source = {
  table: sql.raw(`"usage_daily"`),
  wholeDays: true,
  dimensions: { day: sql.raw(`r."day"::text`), hour: undefined, model: sql.raw(`r."model"`), provider: sql.raw(`r."provider_slug"`), key: undefined },
  time: sql.raw(`r."day"`),
  timeLiteral: (date) => sql`${date.toISOString().slice(0, 10)}::date`,
};

const DAILY_ALL_ACCOUNTS: Source = { ...DAILY, table: sql.raw(`"usage_daily_all_accounts"`) };

/**
 * The smallest rollup that can answer: the all-accounts daily one for a whole-gateway question over whole UTC
 * days, the accounts' daily one when there is no key dimension, otherwise the hourly one. They hold the same
 * sums, so the choice changes the cost, never the answer.
 */
function sourceFor(query: UsageQuery): Source {
  const { filter, groupBy } = query;
  if (groupBy.includes("hour") || groupBy.includes("key") || filter.keys !== undefined) return HOURLY;
  if (!isUtcMidnight(filter.from) || !isUtcMidnight(filter.to)) return HOURLY;
  return filter.accountId === undefined ? DAILY_ALL_ACCOUNTS : DAILY;
}

const LATENCY: Source = { ...HOURLY, table: sql.raw(`"usage_latency_hourly"`) };

/** The latency histogram at the same grain as the sums' rollup, so percentiles read as few rows as the sums. */
const LATENCY_OF = new Map<Source, Source>([
  [HOURLY, LATENCY],
  [DAILY, { ...DAILY, table: sql.raw(`"usage_latency_daily"`) }],
  [DAILY_ALL_ACCOUNTS, { ...DAILY, table: sql.raw(`"usage_latency_daily_all_accounts"`) }],
]);

function textList(values: readonly string[]): SQL {
  return sql`(${sql.join(values.map((value) => sql`${value}`), sql`, `)})`;
}

function whereClause(source: Source, filter: ScopedUsageFilter): SQL {
  const conditions: SQL[] = [];
  if (filter.accountId !== undefined) conditions.push(sql`r."account_id" = ${filter.accountId}`);
  if (filter.from !== undefined) conditions.push(sql`${source.time} >= ${source.timeLiteral(filter.from)}`);
  // An hour (or day) is in when it starts before `to`.
  if (filter.to !== undefined) conditions.push(sql`${source.time} < ${source.wholeDays ? source.timeLiteral(filter.to) : sql`${filter.to.toISOString()}::timestamptz`}`);
  if (filter.keys !== undefined) conditions.push(filter.keys.length === 0 ? sql`false` : sql`r."key_hash" in ${textList(filter.keys)}`);
  if (filter.models !== undefined) conditions.push(filter.models.length === 0 ? sql`false` : sql`r."model" in ${textList(filter.models)}`);
  if (filter.providers !== undefined) conditions.push(filter.providers.length === 0 ? sql`false` : sql`r."provider_slug" in ${textList(filter.providers)}`);
  return conditions.length === 0 ? sql`` : sql` where ${sql.join(conditions, sql` and `)}`;
}

/** The grouped dimensions in a fixed order (so rows sort by day, hour, model, provider, key). */
const ORDER: readonly UsageDimension[] = ["day", "hour", "model", "provider", "key"];

function dimensionsOf(source: Source, groupBy: readonly UsageDimension[]): Array<{ name: UsageDimension; expression: SQL }> {
  const dims: Array<{ name: UsageDimension; expression: SQL }> = [];
  for (const name of ORDER) {
    if (!groupBy.includes(name)) continue;
    const expression = source.dimensions[name];
    if (expression === undefined) throw new Error(`the ${name} dimension is not in this rollup`);
    dims.push({ name, expression });
  }
  return dims;
}

interface SumRow extends UsageSumsRow {
  day?: string;
  hour?: string | Date;
  model?: string;
  provider?: string;
  key?: string;
}

interface LatencyRow extends Record<string, unknown> {
  p50: number | string | null;
  p95: number | string | null;
}

function groupKey(row: Record<string, unknown>, dims: ReadonlyArray<{ name: UsageDimension }>): string {
  return dims.map(({ name }) => {
    const value = row[name];
    return value instanceof Date ? value.toISOString() : typeof value === "string" ? (name === "hour" ? new Date(value).toISOString() : value) : "";
  }).join("\u0000");
}

const blankToNull = (value: string | undefined): string | null => (value === undefined || value === "" ? null : value);

/**
 * Usage from the rollups: one statement for the sums (exact: tokens and pico-dollars summed as SQL numerics and
 * read as text), and one more for latency percentiles when asked for. Rows come sorted by their dimensions.
 */
export async function queryUsage(db: Pick<Database, "execute">, query: UsageQuery): Promise<UsageFigures[]> {
  const source = sourceFor(query);
  const dims = dimensionsOf(source, query.groupBy);
  const select = dims.map(({ name, expression }) => sql`${expression} as ${sql.identifier(name)}`);
  const groupList = dims.map((_, index) => sql.raw(String(index + 1)));
  const grouping = dims.length === 0 ? sql`` : sql` group by ${sql.join(groupList, sql`, `)} order by ${sql.join(groupList, sql`, `)}`;
  const statement = sql`select ${sql.join([...select, USAGE_SUMS], sql`, `)} from ${source.table} r${whereClause(source, query.filter)}${grouping} limit ${MAX_USAGE_ROWS + 1}`;
  const rows = (await queryRows<SumRow>(db, statement)).filter((row) => row.requests !== null);
  if (rows.length > MAX_USAGE_ROWS) throw invalidRequest(`More than ${MAX_USAGE_ROWS} usage rows: narrow the filter or group by less`, "groupBy", { max: MAX_USAGE_ROWS });
  const latency = query.latency && rows.length > 0 ? await queryLatency(db, query) : new Map<string, LatencyRow>();
  return rows.map((row) => {
    const percentiles = latency.get(groupKey(row, dims));
    return {
      day: row.day ?? null,
      hour: row.hour === undefined ? null : new Date(row.hour),
      model: row.model ?? null,
      provider: blankToNull(row.provider),
      keyHash: blankToNull(row.key),
      ...toUsageSums(row),
      latencyP50Ms: percentiles?.p50 === null || percentiles?.p50 === undefined ? null : latencyBucketUpperMs(Number(percentiles.p50)),
      latencyP95Ms: percentiles?.p95 === null || percentiles?.p95 === undefined ? null : latencyBucketUpperMs(Number(percentiles.p95)),
    };
  });
}

/** p50 and p95 bucket per group, from the latency histogram of the sums' grain (cumulative counts per group). */
async function queryLatency(db: Pick<Database, "execute">, query: UsageQuery): Promise<Map<string, LatencyRow>> {
  const source = LATENCY_OF.get(sourceFor(query)) ?? LATENCY;
  const dims = dimensionsOf(source, query.groupBy);
  const names = dims.map(({ name }) => sql.identifier(name));
  const select = dims.map(({ name, expression }) => sql`${expression} as ${sql.identifier(name)}`);
  const groupList = [...dims.map((_, index) => sql.raw(String(index + 1))), sql.raw(String(dims.length + 1))];
  const partition = dims.length === 0 ? sql`` : sql`partition by ${sql.join(names, sql`, `)}`;
  const outerGroup = dims.length === 0 ? sql`` : sql` group by ${sql.join(names, sql`, `)}`;
  const statement = sql`with b as (select ${sql.join([...select, sql`r."bucket" as bucket`, sql`sum(r."count") as c`], sql`, `)} from ${source.table} r${whereClause(source, query.filter)} group by ${sql.join(groupList, sql`, `)}),
    w as (select b.*, sum(c) over (${partition} order by bucket) as cumulative, sum(c) over (${partition}) as total from b)
    select ${sql.join([...names, sql`min(bucket) filter (where cumulative >= 0.5 * total) as p50`, sql`min(bucket) filter (where cumulative >= 0.95 * total) as p95`], sql`, `)} from w${outerGroup}`;
  const map = new Map<string, LatencyRow>();
  for (const row of await queryRows<LatencyRow>(db, statement)) map.set(groupKey(row, dims), row);
  return map;
}
