import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { amount } from "./columns.js";

/** One provider attempt within a generation, for OpenRouter's `provider_responses`. */
export interface ProviderAttempt {
  provider: string;
  endpointId: number;
  status: number | null;
  errorType: string | null;
  latencyMs: number;
}

/**
 * One completion request as served: who asked, which endpoint answered, tokens, exact cost and timing. Read by
 * `GET /api/v1/generation?id=` and by usage analytics. Written off the hot path in batches after settlement;
 * `total_cost` always equals the usage ledger entry of the same generation.
 */
export const generations = pgTable(
  "generations",
  {
    /** `gen-...`, the id returned to the caller and sent as X-Generation-Id. */
    id: text("id").primaryKey(),
    accountId: text("account_id"),
    keyHash: text("key_hash"),
    /** The model id as served (`author/slug` or `author/slug:free`). */
    model: text("model").notNull(),
    providerSlug: text("provider_slug"),
    providerName: text("provider_name"),
    upstreamId: text("upstream_id"),
    /** `completions` for chat and legacy completions, as OpenRouter reports. */
    apiType: text("api_type").notNull(),
    streamed: boolean("streamed").notNull(),
    cancelled: boolean("cancelled").notNull().default(false),
    finishReason: text("finish_reason"),
    nativeFinishReason: text("native_finish_reason"),
    tokensPrompt: integer("tokens_prompt").notNull().default(0),
    tokensCompletion: integer("tokens_completion").notNull().default(0),
    tokensReasoning: integer("tokens_reasoning").notNull().default(0),
    tokensCached: integer("tokens_cached").notNull().default(0),
    tokensCacheWrite: integer("tokens_cache_write").notNull().default(0),
    totalCost: amount("total_cost"),
    /**
     * Tokens the provider reported beyond what the hold covered: completion tokens past the output allowance
     * (`max_tokens`, or what the gateway cut a stream at) plus prompt tokens past the prompt's upper bound.
     * Non-zero means the upstream overshot (a server that ignores `max_tokens`, say); see `uncharged_cost`.
     */
    overshootTokens: integer("overshoot_tokens").notNull().default(0),
    /**
     * What the provider's reported usage cost beyond what the account was charged, in pico-dollars: a charge
     * never exceeds the hold, so an overshoot past it is the operator's loss, recorded here for operators.
     */
    unchargedCost: amount("uncharged_cost"),
    /** Served on the account's own provider key (BYOK): `total_cost` is then only the fee. */
    isByok: boolean("is_byok").notNull().default(false),
    /** A BYOK generation's price at the endpoint's list prices, paid to the provider by the account; null otherwise. */
    upstreamInferenceCost: bigint("upstream_inference_cost", { mode: "bigint" }),
    /** Milliseconds from request arrival to the end of the answer. */
    latencyMs: integer("latency_ms").notNull().default(0),
    /** Milliseconds the upstream spent generating (first byte to last). */
    generationTimeMs: integer("generation_time_ms").notNull().default(0),
    providerResponses: jsonb("provider_responses").$type<ProviderAttempt[]>().notNull().default([]),
    externalUser: text("external_user"),
    /** App attribution sent with the request (`HTTP-Referer`, `X-Title` or `X-OpenRouter-Title`, `User-Agent`), truncated. */
    httpReferer: text("http_referer"),
    appTitle: text("app_title"),
    userAgent: text("user_agent"),
    errorMessage: text("error_message"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    index("generations_account_created_idx").on(table.accountId, table.createdAt),
    index("generations_key_created_idx").on(table.keyHash, table.createdAt),
    /** Retention deletes the oldest rows first, in bounded batches, across every account. */
    index("generations_created_idx").on(table.createdAt),
  ],
);

export type GenerationRow = typeof generations.$inferSelect;
export type NewGenerationRow = typeof generations.$inferInsert;
