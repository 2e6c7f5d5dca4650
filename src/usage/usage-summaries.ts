import { sql } from "drizzle-orm";
import { queryRows } from "../billing/sql-rows.js";
import type { Database } from "../db/client.js";
import type { UsageFigures } from "./usage-query.js";
import { USAGE_SUMS, toUsageSums, type UsageSumsRow } from "./usage-sums.js";

interface SummaryRow extends UsageSumsRow {
  subject: string;
}

/** One subject's lifetime sums: no dimension, and no latency (the summaries do not read the histogram). */
function toFigures(row: SummaryRow): UsageFigures {
  return { day: null, hour: null, model: null, provider: null, keyHash: null, ...toUsageSums(row), latencyP50Ms: null, latencyP95Ms: null };
}

async function summaries(db: Pick<Database, "execute">, table: "usage_daily" | "usage_hourly", column: "account_id" | "key_hash", ids: readonly string[]): Promise<Array<UsageFigures | undefined>> {
  if (ids.length === 0) return [];
  const rows = await queryRows<SummaryRow>(
    db,
    sql`select r.${sql.identifier(column)} as subject, ${USAGE_SUMS} from ${sql.identifier(table)} r where r.${sql.identifier(column)} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) group by 1`,
  );
  const bySubject = new Map(rows.map((row) => [row.subject, toFigures(row)]));
  return ids.map((id) => bySubject.get(id));
}

/**
 * Lifetime usage per account (from the daily rollup) and per key (from the hourly one), in key order, one
 * statement per batch: the batch functions behind `Account.usage` and `ApiKey.usage`.
 */
export function accountUsageSummaries(db: Pick<Database, "execute">, accountIds: readonly string[]): Promise<Array<UsageFigures | undefined>> {
  return summaries(db, "usage_daily", "account_id", accountIds);
}

export function keyUsageSummaries(db: Pick<Database, "execute">, keyHashes: readonly string[]): Promise<Array<UsageFigures | undefined>> {
  return summaries(db, "usage_hourly", "key_hash", keyHashes);
}
