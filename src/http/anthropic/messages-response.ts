import { toUsdNumber } from "../../billing/money.js";
import type { CompletionResult, ServedBy } from "../../completions/completion-service.js";
import type { FinishReason } from "../../core/finish-reason.js";
import type { GeneratedContent } from "../../core/language-model.js";
import { redactedReasoningData } from "../../core/prompt.js";

/**
 * Anthropic `Message` shapes built from the pipeline's results, for any provider's answer.
 * https://docs.claude.com/en/api/messages (response) and OpenRouter's `MessagesResult`, which adds `provider` and
 * `usage.cost` / `cost_details` / `is_byok`.
 */

/** Anthropic's `stop_reason`s. */
export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/**
 * The unified finish reason as Anthropic's `stop_reason`. `stop_sequence` when the upstream said which stop
 * sequence ended the answer (only some do; others report a plain stop, which reads as `end_turn`).
 */
export function anthropicStopReason(finishReason: FinishReason): AnthropicStopReason {
  if (finishReason.stopSequence !== undefined) return "stop_sequence";
  switch (finishReason.unified) {
    case "length":
      return "max_tokens";
    case "tool-calls":
      return "tool_use";
    case "content-filter":
      return "refusal";
    case "stop":
    case "error":
    case "other":
      return "end_turn";
  }
}

/** The tool-call arguments as the JSON object Anthropic's `input` is; text that is not an object becomes `{}`. */
export function toolInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Who called a tool: always the model itself (`direct`), since the gateway runs no server-side code tools. */
export const DIRECT_CALLER = { type: "direct" } as const;

/**
 * The block that carries a tool call's own signature (Gemini's `thoughtSignature`, which Gemini 3 wants back with
 * the call): Anthropic's format has no field for it, so it rides as a thinking block with no text right after the
 * call's `tool_use` block, which clients send back as they got it. The parser reads it back onto the call.
 */
export function toolCallSignatureBlock(signature: string): Record<string, unknown> {
  return { type: "thinking", thinking: "", signature };
}

/** One piece of generated content as Anthropic content blocks. */
function contentBlocks(part: GeneratedContent): Array<Record<string, unknown>> {
  switch (part.type) {
    case "text":
      return part.text.length === 0 ? [] : [{ type: "text", text: part.text, citations: [] }];
    case "reasoning": {
      const redacted = part.text.length === 0 ? redactedReasoningData(part.signature) : undefined;
      return [redacted === undefined ? { type: "thinking", thinking: part.text, signature: part.signature ?? "" } : { type: "redacted_thinking", data: redacted }];
    }
    case "tool-call": {
      const block = { type: "tool_use", id: part.toolCallId, name: part.toolName, input: toolInput(part.input), caller: DIRECT_CALLER };
      return part.signature === undefined ? [block] : [block, toolCallSignatureBlock(part.signature)];
    }
  }
}

/**
 * Anthropic's `usage`. Its `input_tokens` excludes cache reads and writes ("total input tokens is the sum of
 * input_tokens, cache_creation_input_tokens and cache_read_input_tokens"); the gateway's prompt count includes
 * them. The exact charge rides along as OpenRouter does, in `cost` and `cost_details`.
 */
export function messagesUsage(result: CompletionResult): Record<string, unknown> {
  const { tokens } = result;
  return {
    input_tokens: Math.max(0, tokens.prompt - tokens.cacheRead - tokens.cacheWrite),
    output_tokens: tokens.completion,
    cache_creation_input_tokens: tokens.cacheWrite,
    cache_read_input_tokens: tokens.cacheRead,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: { thinking_tokens: tokens.reasoning },
    server_tool_use: null,
    service_tier: "standard",
    cost: toUsdNumber(result.cost),
    is_byok: false,
    cost_details: {
      upstream_inference_cost: null,
      upstream_inference_prompt_cost: toUsdNumber(result.costParts.prompt),
      upstream_inference_completions_cost: toUsdNumber(result.costParts.completion),
    },
  };
}

/** The `Message` at the start of a stream: empty content, no stop reason, usage not yet known. */
export function startedMessage(servedBy: ServedBy): Record<string, unknown> {
  return {
    id: servedBy.generationId,
    type: "message",
    role: "assistant",
    model: servedBy.model,
    provider: servedBy.providerName,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      inference_geo: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: "standard",
    },
  };
}

/** The non-streaming `Message` body. The id is the generation id, the same as `X-Generation-Id`. */
export function messageBody(result: CompletionResult): Record<string, unknown> {
  return {
    id: result.generationId,
    type: "message",
    role: "assistant",
    model: result.model,
    provider: result.providerName,
    content: result.content.flatMap(contentBlocks),
    stop_reason: anthropicStopReason(result.finishReason),
    stop_sequence: result.finishReason.stopSequence ?? null,
    stop_details: null,
    container: null,
    usage: messagesUsage(result),
  };
}
