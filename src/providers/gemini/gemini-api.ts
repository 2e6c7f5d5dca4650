import { z } from "zod";

/**
 * Lenient schemas for the parts of Gemini's `GenerateContentResponse` the adapter reads. Only used fields
 * are listed, every one optional: Gemini leaves out `parts` on an empty candidate, `candidates` on a blocked
 * prompt, and most counts when they are zero.
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 */

/** https://ai.google.dev/api/generate-content#UsageMetadata */
export const geminiUsageSchema = z.object({
  promptTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

/**
 * One response part. Function calls come whole (`args` is an object) and normally without an `id`.
 * https://ai.google.dev/api/caching#Part
 */
export const geminiPartSchema = z.object({
  text: z.string().nullish(),
  /** True for a thought summary, sent only when `thinkingConfig.includeThoughts` is set. */
  thought: z.boolean().nullish(),
  /** Thinking models sign their function calls; Gemini 3 refuses a replayed call without its signature. */
  thoughtSignature: z.string().nullish(),
  functionCall: z
    .object({
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
      id: z.string().nullish(),
    })
    .nullish(),
});
export type GeminiPart = z.infer<typeof geminiPartSchema>;

const candidateSchema = z.object({
  content: z.object({ parts: z.array(geminiPartSchema).nullish() }).nullish(),
  finishReason: z.string().nullish(),
});

/** https://ai.google.dev/api/generate-content#generatecontentresponse */
export const geminiResponseSchema = z.object({
  candidates: z.array(candidateSchema).nullish(),
  /** Set, with no candidates, when the prompt itself was blocked. */
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/**
 * One `streamGenerateContent?alt=sse` event: a `GenerateContentResponse` with only the new parts, or, when
 * the upstream fails mid-stream, Google's error envelope `{error:{code,message,status}}`.
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export const geminiStreamChunkSchema = geminiResponseSchema.extend({
  error: z
    .object({ code: z.number().nullish(), message: z.string().nullish(), status: z.string().nullish() })
    .nullish(),
});
export type GeminiStreamChunk = z.infer<typeof geminiStreamChunkSchema>;
