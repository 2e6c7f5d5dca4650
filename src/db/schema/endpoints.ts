import { index, integer, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, price, updatedAt } from "./columns.js";
import { models } from "./models.js";
import { providers } from "./providers.js";

/**
 * One model served by one provider at one price: the unit the router chooses between. A `free` variant is an
 * endpoint whose prices are all zero, listed as `<model>:free`; free endpoints are subject to the free-tier
 * quotas. All prices are USD per token (per request for `priceRequest`, per image for `priceImage`).
 */
export const endpoints = pgTable(
  "endpoints",
  {
    id: serial("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    providerSlug: text("provider_slug")
      .notNull()
      .references(() => providers.slug, { onDelete: "cascade" }),
    /** `standard` or `free`. */
    variant: text("variant").notNull().default("standard"),
    /** The id the provider's own API expects (e.g. `llama-3.3-70b-versatile` on Groq). */
    providerModelId: text("provider_model_id").notNull(),
    pricePrompt: price("price_prompt"),
    priceCompletion: price("price_completion"),
    priceRequest: price("price_request"),
    priceImage: price("price_image"),
    priceInputCacheRead: price("price_input_cache_read"),
    priceInputCacheWrite: price("price_input_cache_write"),
    priceInternalReasoning: price("price_internal_reasoning"),
    contextLength: integer("context_length").notNull(),
    maxCompletionTokens: integer("max_completion_tokens"),
    maxPromptTokens: integer("max_prompt_tokens"),
    quantization: text("quantization"),
    supportedParameters: text("supported_parameters").array().notNull().default([]),
    /** OpenRouter's status integer: 0 is serving, negative values are degraded or down. */
    status: integer("status").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("endpoints_model_provider_variant_uq").on(table.modelId, table.providerSlug, table.variant),
    index("endpoints_provider_idx").on(table.providerSlug),
  ],
);

export type EndpointRow = typeof endpoints.$inferSelect;
export type NewEndpointRow = typeof endpoints.$inferInsert;
