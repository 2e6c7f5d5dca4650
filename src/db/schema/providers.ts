import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";

/** What a provider does with prompts; shown to users choosing where their data goes. */
export interface ProviderDataPolicy {
  training: boolean;
  retainsPrompts: boolean;
  retentionDays: number | null;
}

/**
 * A company or server that hosts models (OpenAI, Groq, a local Ollama). Public facts only: how to connect and
 * which credentials to use is configuration, kept in `src/providers/registry.ts` and the environment.
 */
export const providers = pgTable("providers", {
  /** Lowercase routing slug, e.g. `google-ai-studio`; what `provider.order` and `/providers` use. */
  slug: text("slug").primaryKey(),
  name: text("name").notNull(),
  privacyPolicyUrl: text("privacy_policy_url"),
  termsOfServiceUrl: text("terms_of_service_url"),
  statusPageUrl: text("status_page_url"),
  /** ISO-3166 alpha-2 country code. */
  headquarters: text("headquarters"),
  datacenters: text("datacenters").array().notNull().default([]),
  dataPolicy: jsonb("data_policy").$type<ProviderDataPolicy>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ProviderRow = typeof providers.$inferSelect;
export type NewProviderRow = typeof providers.$inferInsert;
