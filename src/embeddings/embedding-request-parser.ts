import { z } from "zod";
import { providerPreferences, providerPreferencesSchema } from "../completions/chat-request-parser.js";
import type { EmbeddingValue } from "../core/embedding.js";
import { invalidRequest } from "../core/errors.js";
import { fieldName, requestedModels } from "../completions/request-fields.js";
import type { EmbeddingRequest } from "./embedding-request.js";

/** OpenAI's own ceiling: at most 2,048 inputs in one request. */
export const MAX_EMBEDDING_INPUTS = 2048;
/** The longest vector any catalog model gives (text-embedding-3-large: 3,072); a bigger ask is a mistake. */
export const MAX_EMBEDDING_DIMENSIONS = 65_536;
/** Token ids are non-negative integers below any tokenizer's vocabulary bound. */
const MAX_TOKEN_ID = 2 ** 31 - 1;

const text = z.string().min(1, { error: "must not be an empty string" });
const tokenId = z.number().int().nonnegative().max(MAX_TOKEN_ID);
const tokens = z.array(tokenId).min(1, { error: "must not be an empty token array" });

const embeddingsBody = z.object({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).optional(),
  input: z.union([
    text,
    z
      .array(text)
      .min(1, { error: "must not be empty" })
      .max(MAX_EMBEDDING_INPUTS, { error: `must hold at most ${MAX_EMBEDDING_INPUTS} inputs` }),
    tokens,
    z
      .array(tokens)
      .min(1, { error: "must not be empty" })
      .max(MAX_EMBEDDING_INPUTS, { error: `must hold at most ${MAX_EMBEDDING_INPUTS} inputs` }),
  ]),
  dimensions: z.number().int().positive().max(MAX_EMBEDDING_DIMENSIONS).optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  provider: providerPreferencesSchema.optional(),
  user: z.string().optional(),
});

/** A flat token array is one input; a string one input; arrays of either are many. */
function valuesOf(input: z.infer<typeof embeddingsBody>["input"]): EmbeddingValue[] {
  if (typeof input === "string") return [input];
  if (input.every((item): item is number => typeof item === "number")) return [input];
  return input as EmbeddingValue[];
}

/**
 * Parses a `POST /embeddings` body (OpenAI's shape with OpenRouter's `models` and `provider`). `input` is a
 * string, an array of strings, a token array or an array of token arrays, none of them empty; errors name the
 * offending field, and unknown fields are ignored as OpenRouter does.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function parseEmbeddingRequest(raw: unknown): EmbeddingRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidRequest("The request body must be a JSON object");
  const parsed = embeddingsBody.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? undefined : fieldName(issue.path);
    const message = issue?.code === "invalid_union" ? "must be a string, an array of strings, a token array or an array of token arrays, none empty" : (issue?.message ?? "malformed");
    throw invalidRequest(`Invalid ${field === undefined || field === "" ? "request" : field}: ${message}`, field);
  }
  const body = parsed.data;
  const models = requestedModels([body.model, ...(body.models ?? [])]);
  return {
    models,
    values: valuesOf(body.input),
    ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
    encodingFormat: body.encoding_format ?? "float",
    provider: providerPreferences(body.provider),
    ...(body.user === undefined ? {} : { user: body.user }),
  };
}
