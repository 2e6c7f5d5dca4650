import { sql } from "drizzle-orm";
import { queryRows, toAmount } from "../billing/sql-rows.js";
import type { Database } from "../db/client.js";
import type { UsageFigures } from "./usage-query.js";

interface SummaryRow extends Record<string, unknown> {
  subject: string;
  requests: string;
  prompt: string;
  completion: string;
  reasoning: string;
  cached: string;
  cost: string;
  errors: string;
  cancelled: string;
}

const SUMS = sql.raw(`sum("requests")::text as requests, sum("tokens_prompt")::text as prompt, sum("tokens_completion")::text as completion,
  sum("tokens_reasoning")::text as reasoning, sum("tokens_cached")::text as cached, sum("cost")::text as cost, sum("errors")::text as errors,
  sum("cancelled")::text as cancelled`);

function toFigures(row: SummaryRow): UsageFigures {
  return {
    day: null,
    hour: null,
    model: null,
    provider: null,
    keyHash: null,
    requests: Number(row.requests),
    promptTokens: Number(row.prompt),
    completionTokens: Number(row.completion),
    reasoningTokens: Number(row.reasoning),
    cachedTokens: Number(row.cached),
    cost: toAmount(row.cost),
    errors: Number(row.errors),
    cancelled: Number(row.cancelled),
    latencyP50Ms: null,
    latencyP95Ms: null,
  };
}

async function summaries(db: Pick<Database, "execute">, table: "usage_daily" | "usage_hourly", column: "account_id" | "key_hash", ids: readonly string[]): Promise<Array<UsageFigures | undefined>> {
  if (ids.length === 0) return [];
  const rows = await queryRows<SummaryRow>(
    db,
    sql`select ${sql.identifier(column)} as subject, ${SUMS} from ${sql.identifier(table)} where ${sql.identifier(column)} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) group by 1`,
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
