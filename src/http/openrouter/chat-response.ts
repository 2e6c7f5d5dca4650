import { createHash } from "node:crypto";
import { toUsdNumber } from "../../billing/money.js";
import type { UnifiedFinishReason } from "../../core/finish-reason.js";
import type { GatewayError } from "../../core/errors.js";
import type { CompletionResult, ServedBy } from "../../completions/completion-service.js";
import { answerMessage } from "../../completions/answer-message.js";
import { toErrorEnvelope } from "../error-envelope.js";
import { BoundedMap } from "../../cache/bounded-map.js";

/**
 * OpenAI/OpenRouter response shapes for chat and legacy completions, built from the pipeline's results.
 * https://openrouter.ai/docs/api-reference/overview#responses
 */

/** OpenRouter's normalised finish reasons. */
export function openAIFinishReason(reason: UnifiedFinishReason): "stop" | "length" | "tool_calls" | "content_filter" | "error" {
  switch (reason) {
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    case "length":
    case "error":
    case "stop":
      return reason;
    case "other":
      return "stop";
  }
}

/** The `usage` object, with the exact cost charged (as a JSON number for display). */
export function usageBody(result: CompletionResult): Record<string, unknown> {
  const { tokens } = result;
  return {
    prompt_tokens: tokens.prompt,
    completion_tokens: tokens.completion,
    total_tokens: tokens.prompt + tokens.completion,
    prompt_tokens_details: { cached_tokens: tokens.cacheRead, cache_write_tokens: tokens.cacheWrite },
    completion_tokens_details: { reasoning_tokens: tokens.reasoning },
    cost: toUsdNumber(result.cost),
    is_byok: result.isByok,
    cost_details: {
      upstream_inference_cost: result.upstreamInferenceCost === null ? null : toUsdNumber(result.upstreamInferenceCost),
      upstream_inference_prompt_cost: toUsdNumber(result.costParts.prompt),
      upstream_inference_completions_cost: toUsdNumber(result.costParts.completion),
    },
  };
}

/** One per provider and model served; bounded so that a catalog that keeps changing cannot grow it for good. */
const MAX_FINGERPRINTS = 2000;
const fingerprints = new BoundedMap<string, string>(MAX_FINGERPRINTS);

/**
 * `system_fingerprint`: OpenRouter requires the field and OpenAI's SDK types it as a string. The gateway's
 * backend configuration for an answer is the endpoint that served it, so the fingerprint names that: a short
 * hash of provider and model, the same for every answer the endpoint gives.
 */
function systemFingerprint(servedBy: ServedBy): string {
  const endpoint = `${servedBy.providerSlug}/${servedBy.model}`;
  let fingerprint = fingerprints.get(endpoint);
  if (fingerprint === undefined) {
    fingerprint = `fp_${createHash("sha256").update(endpoint).digest("hex").slice(0, 10)}`;
    fingerprints.set(endpoint, fingerprint);
  }
  return fingerprint;
}

/**
 * The fields every body and chunk starts with, then `rest`. Built as one object (no spread into a bigger
 * literal, a slow path in V8) since it runs for every response and every streamed chunk.
 */
function envelope(servedBy: ServedBy, object: string, rest: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { id: servedBy.generationId, object, created: servedBy.created, model: servedBy.model, provider: servedBy.providerName };
  if (object !== "text_completion") body.system_fingerprint = systemFingerprint(servedBy);
  for (const name in rest) body[name] = rest[name];
  return body;
}

/** The non-streaming chat completion body. */
export function chatCompletionBody(result: CompletionResult): Record<string, unknown> {
  const answer = answerMessage(result.content);
  const message: Record<string, unknown> = { role: "assistant", content: answer.content, refusal: null, reasoning: answer.reasoning };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }));
  }
  if (answer.reasoningDetails.length > 0) message.reasoning_details = answer.reasoningDetails;
  const choice: Record<string, unknown> = {
    index: 0,
    logprobs: null,
    finish_reason: openAIFinishReason(result.finishReason.unified),
    native_finish_reason: result.finishReason.raw ?? null,
    message,
  };
  if (result.error !== undefined) choice.error = toErrorEnvelope(result.error).error;
  return envelope(result, "chat.completion", { choices: [choice], usage: usageBody(result) });
}

/** The legacy `/completions` body. */
export function textCompletionBody(result: CompletionResult): Record<string, unknown> {
  const text = result.content.filter((part) => part.type === "text").map((part) => part.text).join("");
  return envelope(result, "text_completion", {
    choices: [{ index: 0, text, finish_reason: openAIFinishReason(result.finishReason.unified), native_finish_reason: result.finishReason.raw ?? null, logprobs: null }],
    usage: usageBody(result),
  });
}

/** A `chat.completion.chunk` with one choice delta. */
export function chatChunk(servedBy: ServedBy, delta: Record<string, unknown>, finish?: { reason: string | null; native: string | null }): Record<string, unknown> {
  return envelope(servedBy, "chat.completion.chunk", {
    choices: [{ index: 0, delta, finish_reason: finish?.reason ?? null, native_finish_reason: finish?.native ?? null, logprobs: null }],
  });
}

/** A legacy `text_completion` chunk. */
export function textChunk(servedBy: ServedBy, text: string, finish?: { reason: string | null; native: string | null }): Record<string, unknown> {
  return envelope(servedBy, "text_completion", {
    choices: [{ index: 0, text, finish_reason: finish?.reason ?? null, native_finish_reason: finish?.native ?? null, logprobs: null }],
  });
}

/** The final chunk of a stream: usage (with cost), no choices. */
export function usageChunk(result: CompletionResult, object: "chat.completion.chunk" | "text_completion"): Record<string, unknown> {
  return envelope(result, object, { choices: [], usage: usageBody(result) });
}

/** The chunk that ends a stream whose upstream failed after output began (OpenRouter's mid-stream error). */
export function errorChunk(servedBy: ServedBy, error: GatewayError, object: "chat.completion.chunk" | "text_completion"): Record<string, unknown> {
  const choice =
    object === "chat.completion.chunk"
      ? { index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: null }
      : { index: 0, text: "", finish_reason: "error", native_finish_reason: null };
  return envelope(servedBy, object, { error: toErrorEnvelope(error).error, choices: [choice] });
}
