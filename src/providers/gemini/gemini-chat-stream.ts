import { emptyUsage, GatewayError, type CallWarning, type StreamPart, type Usage } from "../../core/index.js";
import { parseJsonChunk } from "../shared/parse-json-chunk.js";
import type { ServerSentEvent } from "../shared/post-event-stream.js";
import { toolCallIdOrNew } from "../shared/tool-call-ids.js";
import { upstreamConnectionError } from "../shared/upstream-error.js";
import { convertGeminiUsage } from "./convert-gemini-usage.js";
import { geminiStreamChunkSchema, type GeminiStreamChunk } from "./gemini-api.js";
import { geminiStreamError } from "./gemini-errors.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

/**
 * Gemini's `streamGenerateContent?alt=sse` events → stream parts
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 *
 * Each event is a whole `GenerateContentResponse` holding only the new parts; there is no `[DONE]`, the
 * stream just ends. What the transform does with that:
 * - `thought: true` text → `reasoning-delta`, other text → `text-delta`;
 * - a `functionCall` always arrives whole, so it becomes `tool-input-start`, one `tool-input-delta` with all
 *   the arguments, and `tool-call` (with the part's `thoughtSignature`), back to back, under an id the
 *   gateway invents (Gemini sends none);
 * - `usageMetadata` is on every event but final only on the last, so the last one seen wins;
 * - `finishReason` comes on the last content event; the `finish` part is sent when the stream ends, after
 *   any trailing usage. A stream that ends without one was cut short and ends with an `error` part;
 * - an `{error:{code,…}}` event (Google's mid-stream failure), a malformed event, or a broken connection
 *   ends the stream with an `error` part, never a throw.
 */
export async function* transformGeminiStream(input: {
  events: AsyncIterable<ServerSentEvent>;
  provider: string;
  generateId: () => string;
  warnings: CallWarning[];
}): AsyncGenerator<StreamPart> {
  const { provider } = input;
  yield { type: "stream-start", warnings: input.warnings };
  let usage: Usage = emptyUsage();
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let hasToolCalls = false;
  let metadataSent = false;

  try {
    for await (const event of input.events) {
      if (event.data.trim().length === 0) continue;
      const parsed = parseJsonChunk({ text: event.data, schema: geminiStreamChunkSchema, provider });
      if (!parsed.success) {
        yield { type: "error", error: parsed.error };
        return;
      }
      const chunk = parsed.value;
      if (chunk.error !== null && chunk.error !== undefined) {
        yield { type: "error", error: geminiStreamError({ provider, code: chunk.error.code, rawEvent: event.data }) };
        return;
      }
      if (!metadataSent) {
        metadataSent = true;
        yield { type: "response-metadata", id: chunk.responseId ?? undefined, modelId: chunk.modelVersion ?? undefined };
      }
      if (chunk.usageMetadata !== null && chunk.usageMetadata !== undefined) usage = convertGeminiUsage(chunk.usageMetadata);
      blockReason = chunk.promptFeedback?.blockReason ?? blockReason;
      const candidate = chunk.candidates?.[0];
      for (const part of contentParts(chunk, input.generateId)) {
        if (part.type === "tool-call") hasToolCalls = true;
        yield part;
      }
      finishReason = candidate?.finishReason ?? finishReason;
    }
  } catch (error) {
    yield { type: "error", error: upstreamConnectionError(provider, error) };
    return;
  }

  if (finishReason === undefined && blockReason === undefined) {
    yield {
      type: "error",
      error: new GatewayError("provider_unavailable", `Provider ${provider} ended the stream before the answer finished`, {
        retryable: true,
        metadata: { provider_name: provider },
      }),
    };
    return;
  }
  yield { type: "finish", finishReason: mapGeminiFinishReason({ finishReason, hasToolCalls, blockReason }), usage };
}

/** The content parts of one event's first candidate, as stream parts. */
function contentParts(chunk: GeminiStreamChunk, generateId: () => string): StreamPart[] {
  const parts: StreamPart[] = [];
  for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
    const call = part.functionCall;
    if (call !== null && call !== undefined) {
      const toolCallId = toolCallIdOrNew(call.id, generateId);
      const argumentsText = JSON.stringify(call.args ?? {});
      parts.push(
        { type: "tool-input-start", toolCallId, toolName: call.name },
        { type: "tool-input-delta", toolCallId, delta: argumentsText },
        { type: "tool-call", toolCallId, toolName: call.name, input: argumentsText, ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}) },
      );
    } else if (typeof part.text === "string" && part.text.length > 0) {
      parts.push(part.thought === true ? { type: "reasoning-delta", delta: part.text } : { type: "text-delta", delta: part.text });
    }
  }
  return parts;
}
