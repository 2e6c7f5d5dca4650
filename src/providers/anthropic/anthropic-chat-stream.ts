import { GatewayError, type CallWarning, type FinishReason, type StreamPart } from "../../core/index.js";
import { parseJsonChunk } from "../shared/parse-json-chunk.js";
import type { ServerSentEvent } from "../shared/post-event-stream.js";
import { upstreamConnectionError } from "../shared/upstream-error.js";
import { anthropicStreamEventSchema, type AnthropicStreamEvent, type AnthropicUsage } from "./anthropic-api.js";
import { convertAnthropicUsage, mergeAnthropicUsage } from "./convert-anthropic-usage.js";
import { REDACTED_THINKING_PREFIX } from "./convert-to-anthropic-messages.js";
import { mapAnthropicFinishReason } from "./map-anthropic-finish-reason.js";
import { anthropicStreamError } from "./map-anthropic-stream-error.js";

/** What the transform remembers about an open content block, by its `index`. */
type OpenBlock = { type: "tool_use"; id: string; name: string; input: string; initialInput: unknown } | { type: "other" };

/**
 * Anthropic's named SSE events → stream parts.
 * https://docs.claude.com/en/docs/build-with-claude/streaming
 *
 * - `message_start` gives the response id, model and input usage; `message_delta` the stop reason and
 *   cumulative usage; `message_stop` ends the answer with one `finish` part.
 * - Text, thinking and tool-argument deltas are passed on as they come; a `signature_delta` becomes a
 *   `reasoning-delta` with empty text and the signature, and a tool call is completed at `content_block_stop`.
 * - `ping` and event types this adapter does not know are skipped (the API may add them within a version).
 * - An `error` event, a malformed event, a broken connection, or a stream that ends without `message_stop`
 *   ends the stream with one `error` part; nothing is thrown once the stream has begun.
 */
export async function* transformAnthropicStream(input: {
  events: AsyncIterable<ServerSentEvent>;
  provider: string;
  warnings: CallWarning[];
  /** Drop reasoning from the output (`reasoning.exclude`). */
  excludeReasoning: boolean;
}): AsyncGenerator<StreamPart> {
  const { provider } = input;
  const blocks = new Map<number, OpenBlock>();
  let usage: AnthropicUsage = {};
  let finishReason: FinishReason = mapAnthropicFinishReason(undefined);
  yield { type: "stream-start", warnings: input.warnings };

  try {
    for await (const sse of input.events) {
      if (sse.event === "ping") continue;
      const parsed = parseJsonChunk({ text: sse.data, schema: anthropicStreamEventSchema, provider });
      if (!parsed.success) {
        yield { type: "error", error: parsed.error };
        return;
      }
      const event = parsed.value;
      if (isError(event)) {
        yield { type: "error", error: anthropicStreamError({ provider, type: event.error.type, message: event.error.message }) };
        return;
      }
      if (event.type === "message_stop") {
        yield { type: "finish", finishReason, usage: convertAnthropicUsage(usage) };
        return;
      }
      if (event.type === "message_start" && "message" in event) {
        usage = mergeAnthropicUsage(usage, event.message.usage);
        yield { type: "response-metadata", id: event.message.id ?? undefined, modelId: event.message.model ?? undefined };
      } else if (event.type === "message_delta" && "delta" in event && !("index" in event)) {
        usage = mergeAnthropicUsage(usage, event.usage);
        if (event.delta.stop_reason !== null && event.delta.stop_reason !== undefined) {
          finishReason = mapAnthropicFinishReason(event.delta.stop_reason, event.delta.stop_sequence);
        }
      } else {
        yield* blockParts({ event, blocks, excludeReasoning: input.excludeReasoning });
      }
    }
  } catch (error) {
    yield { type: "error", error: upstreamConnectionError(provider, error) };
    return;
  }
  yield {
    type: "error",
    error: new GatewayError("provider_unavailable", `Provider ${provider} ended the stream before message_stop`, {
      retryable: true,
      metadata: { provider_name: provider },
    }),
  };
}

function isError(event: AnthropicStreamEvent): event is Extract<AnthropicStreamEvent, { type: "error"; error: unknown }> {
  return event.type === "error" && "error" in event;
}

/** Parts for `content_block_start`, `content_block_delta` and `content_block_stop`. */
function* blockParts(input: { event: AnthropicStreamEvent; blocks: Map<number, OpenBlock>; excludeReasoning: boolean }): Generator<StreamPart> {
  const { event, blocks, excludeReasoning } = input;
  if (event.type === "content_block_start" && "content_block" in event) {
    const block = event.content_block;
    if (block.type === "tool_use" && "id" in block) {
      blocks.set(event.index, { type: "tool_use", id: block.id, name: block.name, input: "", initialInput: block.input });
      yield { type: "tool-input-start", toolCallId: block.id, toolName: block.name };
      return;
    }
    blocks.set(event.index, { type: "other" });
    if (block.type === "text" && "text" in block && block.text.length > 0) yield { type: "text-delta", delta: block.text };
    if (excludeReasoning) return;
    if (block.type === "thinking" && "thinking" in block && block.thinking.length > 0) yield { type: "reasoning-delta", delta: block.thinking };
    if (block.type === "redacted_thinking" && "data" in block) {
      yield { type: "reasoning-delta", delta: "", signature: `${REDACTED_THINKING_PREFIX}${block.data}` };
    }
    return;
  }
  if (event.type === "content_block_delta" && "delta" in event && "index" in event) {
    const delta = event.delta;
    if (delta.type === "text_delta" && "text" in delta) {
      yield { type: "text-delta", delta: delta.text };
    } else if (delta.type === "input_json_delta" && "partial_json" in delta) {
      const open = blocks.get(event.index);
      if (open?.type === "tool_use" && delta.partial_json.length > 0) {
        open.input += delta.partial_json;
        yield { type: "tool-input-delta", toolCallId: open.id, delta: delta.partial_json };
      }
    } else if (excludeReasoning) {
      return;
    } else if (delta.type === "thinking_delta" && "thinking" in delta) {
      yield { type: "reasoning-delta", delta: delta.thinking };
    } else if (delta.type === "signature_delta" && "signature" in delta) {
      yield { type: "reasoning-delta", delta: "", signature: delta.signature };
    }
    return;
  }
  if (event.type === "content_block_stop" && "index" in event) {
    const open = blocks.get(event.index);
    blocks.delete(event.index);
    if (open?.type === "tool_use") {
      yield { type: "tool-call", toolCallId: open.id, toolName: open.name, input: completeToolInput(open.input, open.initialInput) };
    }
  }
}

/**
 * The arguments of a finished tool call: the streamed JSON text, or, when no delta came (a call without
 * arguments), the `input` object of `content_block_start`, which is `{}` in that case.
 */
function completeToolInput(streamed: string, initialInput: unknown): string {
  if (streamed.length > 0) return streamed;
  return typeof initialInput === "object" && initialInput !== null ? JSON.stringify(initialInput) : "{}";
}
