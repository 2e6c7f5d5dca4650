import { sql } from "drizzle-orm";
import { toAmount } from "../billing/sql-rows.js";
import type { UsageFigures } from "./usage-query.js";

/** The sums every usage statement reads, as SQL text so tokens and pico-dollars stay exact past 2^53. */
export interface UsageSumsRow extends Record<string, unknown> {
  requests: string;
  prompt: string;
  completion: string;
  reasoning: string;
  cached: string;
  cost: string;
  errors: string;
  cancelled: string;
}

/** The figures a usage answer carries whatever it is grouped by. */
export type UsageSums = Pick<
  UsageFigures,
  "requests" | "promptTokens" | "completionTokens" | "reasoningTokens" | "cachedTokens" | "cost" | "errors" | "cancelled"
>;

/**
 * The select list of a rollup's sums over the rows aliased `r`, one list for the grouped usage query and the
 * lifetime summaries so both read the same columns the same way (numerics summed in SQL, read as text).
 */
export const USAGE_SUMS = sql.raw(
  [
    `sum(r."requests")::text as requests`,
    `sum(r."tokens_prompt")::text as prompt`,
    `sum(r."tokens_completion")::text as completion`,
    `sum(r."tokens_reasoning")::text as reasoning`,
    `sum(r."tokens_cached")::text as cached`,
    `sum(r."cost")::text as cost`,
    `sum(r."errors")::text as errors`,
    `sum(r."cancelled")::text as cancelled`,
  ].join(", "),
);

/** Reads the sums of {@link USAGE_SUMS}: counts as numbers, the cost as an exact amount. */
export function toUsageSums(row: UsageSumsRow): UsageSums {
  return {
    requests: Number(row.requests),
    promptTokens: Number(row.prompt),
    completionTokens: Number(row.completion),
    reasoningTokens: Number(row.reasoning),
    cachedTokens: Number(row.cached),
    cost: toAmount(row.cost),
    errors: Number(row.errors),
    cancelled: Number(row.cancelled),
  };
}
