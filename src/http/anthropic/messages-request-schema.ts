import { z } from "zod";
import { MAX_TOKENS_LIMIT, providerPreferencesSchema } from "../../completions/chat-request-parser.js";
import { limitedJsonObject } from "../../completions/json-shape-limits.js";

/**
 * The body of `POST /api/v1/messages`: Anthropic's `MessageCreateParams` plus OpenRouter's routing extras
 * (`models`, `fallbacks`, `provider`). Lenient where Anthropic adds fields faster than a gateway can follow
 * (unknown fields and `citations` are ignored), strict where a wrong value would change the answer.
 * https://docs.claude.com/en/api/messages and https://openrouter.ai/docs/api-reference/messages
 */

export const cacheControlSchema = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });

const textBlock = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControlSchema.nullish() });

const imageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]), data: z.string().min(1) }),
  z.object({ type: z.literal("url"), url: z.string().min(1) }),
]);
const imageBlock = z.object({ type: z.literal("image"), source: imageSource, cache_control: cacheControlSchema.nullish() });

const documentSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.literal("application/pdf"), data: z.string().min(1) }),
  z.object({ type: z.literal("text"), media_type: z.literal("text/plain").optional(), data: z.string() }),
  z.object({ type: z.literal("url"), url: z.string().min(1) }),
]);
const documentBlock = z.object({
  type: z.literal("document"),
  source: documentSource,
  title: z.string().nullish(),
  cache_control: cacheControlSchema.nullish(),
});

const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema.nullish(),
});

const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema.nullish(),
});
const thinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

export const userBlockSchema = z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock, toolResultBlock]);
export const assistantBlockSchema = z.discriminatedUnion("type", [textBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock]);

const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(userBlockSchema)]) }),
  z.object({ role: z.literal("assistant"), content: z.union([z.string(), z.array(assistantBlockSchema)]) }),
]);

const tool = z.object({
  type: z.literal("custom").optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes"),
  description: z.string().optional(),
  input_schema: limitedJsonObject,
  strict: z.boolean().optional(),
  cache_control: cacheControlSchema.nullish(),
});

const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);

const tokenCount = z.number().int().positive().max(MAX_TOKENS_LIMIT, { error: `must be at most ${MAX_TOKENS_LIMIT}` });

const thinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1024, { error: "must be at least 1024" }).max(MAX_TOKENS_LIMIT), display: z.string().optional() }),
  z.object({ type: z.literal("disabled") }),
  z.object({ type: z.literal("adaptive"), display: z.string().optional() }),
]);

const outputConfig = z.object({
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).optional(),
  format: z.object({ type: z.literal("json_schema"), schema: limitedJsonObject }).nullish(),
});

export const messagesBodySchema = z.object({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).max(10).optional(),
  fallbacks: z.array(z.object({ model: z.string().min(1) })).max(3).nullish(),
  /** Required by Anthropic, optional on OpenRouter (the endpoint's maximum output then applies, as for chat). */
  max_tokens: tokenCount.optional(),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string().min(1)).max(16).optional(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).max(MAX_TOKENS_LIMIT).nullish(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).nullish(),
  /** OpenRouter's end-user id, the same as `metadata.user_id`. */
  user: z.string().max(256).optional(),
  cache_control: cacheControlSchema.nullish(),
  provider: providerPreferencesSchema.optional(),
});

export type MessagesBody = z.infer<typeof messagesBodySchema>;
export type UserBlock = z.infer<typeof userBlockSchema>;
export type AssistantBlock = z.infer<typeof assistantBlockSchema>;
