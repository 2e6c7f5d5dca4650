import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";

/** Sampling defaults a model's author recommends; null fields mean "the provider's default". */
export interface DefaultParameters {
  temperature: number | null;
  topP: number | null;
  topK: number | null;
  frequencyPenalty: number | null;
  presencePenalty: number | null;
  repetitionPenalty: number | null;
}

/** How a model reasons, for OpenRouter's `reasoning` object on the model. */
export interface ModelReasoning {
  mandatory: boolean;
  supportedEfforts: string[] | null;
  defaultEffort: string | null;
  supportsMaxTokens: boolean;
}

/**
 * A model, independent of who serves it. Its id is OpenRouter's routable `author/slug` without a variant
 * suffix; `:free` and other variants are endpoints (see `endpoints.ts`).
 */
export const models = pgTable("models", {
    id: text("id").primaryKey(),
    /** Permanent slug that never changes even when `id` is renamed. */
    canonicalSlug: text("canonical_slug").notNull(),
    huggingFaceId: text("hugging_face_id"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** When the model was released (OpenRouter's `created`, unix seconds at the API). */
    releasedAt: timestamp("released_at", { withTimezone: true, mode: "date" }).notNull(),
    contextLength: integer("context_length").notNull(),
    inputModalities: text("input_modalities").array().notNull(),
    outputModalities: text("output_modalities").array().notNull(),
    tokenizer: text("tokenizer").notNull(),
    instructType: text("instruct_type"),
    supportedParameters: text("supported_parameters").array().notNull().default([]),
    defaultParameters: jsonb("default_parameters").$type<DefaultParameters | null>(),
    reasoning: jsonb("reasoning").$type<ModelReasoning | null>(),
    knowledgeCutoff: text("knowledge_cutoff"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
});

export type ModelRow = typeof models.$inferSelect;
export type NewModelRow = typeof models.$inferInsert;
