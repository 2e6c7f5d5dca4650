import { z } from "zod";
import type { JsonObject, JsonValue } from "../../core/index.js";

/**
 * Lenient schemas for the parts of Anthropic Messages answers the adapter reads, and the types of the
 * request it sends. Only used fields are listed; unknown content blocks, deltas and events pass as
 * `{type}` so a new variant (the API adds them within a version) is skipped, not fatal.
 * https://docs.claude.com/en/api/messages, https://docs.claude.com/en/api/versioning
 */

/** `Usage` and `MessageDeltaUsage`: every count nullable, `input_tokens` excludes cache reads and writes. */
export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  output_tokens_details: z.object({ thinking_tokens: z.number().nullish() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const knownContentBlockSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().nullish() }),
  z.object({ type: z.literal("redacted_thinking"), data: z.string() }),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
]);
/**
 * A variant this adapter does not read (server-tool results, containers, whatever comes next), as an opaque
 * `{type}`. Known types are excluded, so a malformed known variant fails validation instead of passing here.
 */
function otherVariant(known: readonly string[]) {
  return z.object({ type: z.string().refine((type) => !known.includes(type)) });
}

export const anthropicContentBlockSchema = z.union([
  knownContentBlockSchema,
  otherVariant(["text", "thinking", "redacted_thinking", "tool_use"]),
]);
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

/** The non-streamed `Message`. https://docs.claude.com/en/api/messages#response-content */
export const anthropicMessageSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

const deltaSchema = z.union([
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("text_delta"), text: z.string() }),
    z.object({ type: z.literal("input_json_delta"), partial_json: z.string() }),
    z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
    z.object({ type: z.literal("signature_delta"), signature: z.string() }),
  ]),
  otherVariant(["text_delta", "input_json_delta", "thinking_delta", "signature_delta"]),
]);

/** `{type:"error", error:{type, message}}`, as an HTTP error body and as the `error` event after a 200. */
export const anthropicErrorSchema = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorSchema>;

/** One streamed event. https://docs.claude.com/en/docs/build-with-claude/streaming#event-types */
export const anthropicStreamEventSchema = z.union([
  z.discriminatedUnion("type", [
    z.object({
      type: z.literal("message_start"),
      message: z.object({ id: z.string().nullish(), model: z.string().nullish(), usage: anthropicUsageSchema.nullish() }),
    }),
    z.object({ type: z.literal("content_block_start"), index: z.number(), content_block: anthropicContentBlockSchema }),
    z.object({ type: z.literal("content_block_delta"), index: z.number(), delta: deltaSchema }),
    z.object({ type: z.literal("content_block_stop"), index: z.number() }),
    z.object({
      type: z.literal("message_delta"),
      delta: z.object({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
      usage: anthropicUsageSchema.nullish(),
    }),
    z.object({ type: z.literal("message_stop") }),
    z.object({ type: z.literal("ping") }),
    anthropicErrorSchema,
  ]),
  otherVariant(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "error"]),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

/*
 * Request types: what the adapter sends. https://docs.claude.com/en/api/messages#body-parameters
 */

export type AnthropicImageSource = { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };

/** https://docs.claude.com/en/docs/build-with-claude/prompt-caching */
export interface AnthropicCacheControl {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

export type AnthropicTextBlock = { type: "text"; text: string; cache_control?: AnthropicCacheControl };

/** https://docs.claude.com/en/docs/build-with-claude/pdf-support */
export type AnthropicDocumentSource =
  | { type: "base64"; media_type: "application/pdf"; data: string }
  | { type: "url"; url: string }
  | { type: "text"; media_type: "text/plain"; data: string };

export type AnthropicUserBlock =
  | AnthropicTextBlock
  | { type: "image"; source: AnthropicImageSource }
  | { type: "document"; source: AnthropicDocumentSource; title?: string }
  | { type: "tool_result"; tool_use_id: string; content?: string };

export type AnthropicAssistantBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: JsonValue };

export type AnthropicMessageParam =
  | { role: "user"; content: AnthropicUserBlock[] }
  | { role: "assistant"; content: AnthropicAssistantBlock[] };

export type AnthropicToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: JsonObject;
  strict?: boolean;
}

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: { type: "enabled"; budget_tokens: number };
  output_config?: { format: { type: "json_schema"; schema: JsonObject } };
  metadata?: { user_id: string };
  stream?: boolean;
}
