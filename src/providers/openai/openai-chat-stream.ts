import type { CallWarning, FinishReason, StreamPart, Usage } from "../../core/index.js";
import { GatewayError, emptyUsage } from "../../core/index.js";
import { parseJsonChunk } from "../shared/parse-json-chunk.js";
import type { ServerSentEvent } from "../shared/post-event-stream.js";
import { toolCallIdOrNew } from "../shared/tool-call-ids.js";
import { upstreamConnectionError } from "../shared/upstream-error.js";
import { convertOpenAIUsage } from "./convert-openai-usage.js";
import { type OpenAIChatChunk, openAIStreamEventSchema } from "./openai-api.js";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.js";

/** What the stream transform needs besides the events: nothing provider-global, all injected. */
export interface OpenAIStreamInput {
  events: AsyncIterable<ServerSentEvent>;
  provider: string;
  generateId: () => string;
  /** Sent in the first part, `stream-start`. */
  warnings: CallWarning[];
  /** False when the caller asked for reasoning to be excluded from the answer. */
  includeReasoning: boolean;
}

interface ToolCallState {
  id: string;
  name: string | undefined;
  arguments: string;
  started: boolean;
}

type ChunkDelta = NonNullable<NonNullable<OpenAIChatChunk["choices"]>[number]["delta"]>;
type ToolCallDelta = NonNullable<ChunkDelta["tool_calls"]>[number];

/**
 * Chat Completions SSE → the gateway's stream parts.
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 *
 * Tool calls arrive as deltas keyed by `index`: the first carries `id` and `function.name`, later ones
 * pieces of `function.arguments`. Each becomes `tool-input-start`, `tool-input-delta`s, and one complete
 * `tool-call` when the choice finishes. Usage comes in a last chunk with empty `choices` (when
 * `stream_options.include_usage` was sent) or with the finish chunk (vendors that always send it), so
 * `finish` is emitted only once the stream ends. An `{"error":…}` chunk, a malformed chunk, a broken
 * connection or a stream that ends before finishing becomes a final `error` part.
 */
export async function* transformOpenAIChatStream(input: OpenAIStreamInput): AsyncGenerator<StreamPart> {
  yield { type: "stream-start", warnings: input.warnings };
  const toolCalls = new Map<number, ToolCallState>();
  let usage: Usage = emptyUsage();
  let finishReason: FinishReason | undefined;
  let sentMetadata = false;
  let sawDone = false;

  try {
    for await (const event of input.events) {
      if (event.data.trim() === "[DONE]") {
        sawDone = true;
        break;
      }
      const parsed = parseJsonChunk({ text: event.data, schema: openAIStreamEventSchema, provider: input.provider });
      if (!parsed.success) {
        yield { type: "error", error: parsed.error };
        return;
      }
      const chunk = parsed.value;
      if ("error" in chunk) {
        yield { type: "error", error: midStreamError(input.provider, chunk.error) };
        return;
      }
      if (!sentMetadata && (chunk.id != null || chunk.model != null)) {
        sentMetadata = true;
        yield { type: "response-metadata", id: chunk.id ?? undefined, modelId: chunk.model ?? undefined };
      }
      if (chunk.usage != null) usage = convertOpenAIUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (choice === undefined) continue;
      const delta = choice.delta;
      if (delta != null) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (input.includeReasoning && reasoning != null && reasoning.length > 0) yield { type: "reasoning-delta", delta: reasoning };
        const text = (delta.content ?? "") + (delta.refusal ?? "");
        if (text.length > 0) yield { type: "text-delta", delta: text };
        for (const [position, toolDelta] of (delta.tool_calls ?? []).entries()) {
          const result = applyToolCallDelta({ toolCalls, toolDelta, position, generateId: input.generateId });
          if (result instanceof GatewayError) {
            yield { type: "error", error: annotate(result, input.provider) };
            return;
          }
          yield* result;
        }
      }
      if (choice.finish_reason != null) {
        finishReason = mapOpenAIFinishReason(choice.finish_reason);
        yield* completeToolCalls(toolCalls, input.provider);
      }
    }
  } catch (error) {
    yield { type: "error", error: upstreamConnectionError(input.provider, error) };
    return;
  }

  if (finishReason === undefined && !sawDone) {
    yield {
      type: "error",
      error: new GatewayError("provider_unavailable", `Provider ${input.provider} ended the stream before the answer finished`, {
        retryable: true,
        metadata: { provider_name: input.provider },
      }),
    };
    return;
  }
  yield* completeToolCalls(toolCalls, input.provider);
  yield { type: "finish", finishReason: finishReason ?? { unified: "other", raw: undefined }, usage };
}

/** Starts or extends one tool call; returns the parts to emit, or an error for a malformed delta. */
function applyToolCallDelta(input: {
  toolCalls: Map<number, ToolCallState>;
  toolDelta: ToolCallDelta;
  position: number;
  generateId: () => string;
}): StreamPart[] | GatewayError {
  const { toolCalls, toolDelta } = input;
  // Mistral sends whole calls without `index`; find them by id, or give each new call the next index.
  const index = toolDelta.index ?? findIndexById(toolCalls, toolDelta.id) ?? toolCalls.size + input.position;
  let state = toolCalls.get(index);
  if (state === undefined) {
    state = { id: toolCallIdOrNew(toolDelta.id, input.generateId), name: undefined, arguments: "", started: false };
    toolCalls.set(index, state);
  }
  if (state.name === undefined && toolDelta.function?.name != null && toolDelta.function.name.length > 0) {
    state.name = toolDelta.function.name;
  }
  const parts: StreamPart[] = [];
  if (!state.started && state.name !== undefined) {
    state.started = true;
    parts.push({ type: "tool-input-start", toolCallId: state.id, toolName: state.name });
    if (state.arguments.length > 0) parts.push({ type: "tool-input-delta", toolCallId: state.id, delta: state.arguments });
  }
  const piece = toolDelta.function?.arguments ?? "";
  if (piece.length > 0) {
    state.arguments += piece;
    if (state.started) parts.push({ type: "tool-input-delta", toolCallId: state.id, delta: piece });
  }
  return parts;
}

function findIndexById(toolCalls: Map<number, ToolCallState>, id: string | null | undefined): number | undefined {
  if (id == null) return undefined;
  for (const [index, state] of toolCalls) if (state.id === id) return index;
  return undefined;
}

/** Emits one complete `tool-call` for each call not completed yet, in index order. */
function* completeToolCalls(toolCalls: Map<number, ToolCallState>, provider: string): Generator<StreamPart> {
  const indexes = [...toolCalls.keys()].sort((left, right) => left - right);
  for (const index of indexes) {
    const state = toolCalls.get(index);
    if (state === undefined) continue;
    toolCalls.delete(index);
    if (state.name === undefined) {
      yield { type: "error", error: annotate(new GatewayError("provider_unavailable", "A streamed tool call had no function name"), provider) };
      return;
    }
    // A call with no argument text means "no arguments"; `{}` keeps `input` valid JSON.
    yield { type: "tool-call", toolCallId: state.id, toolName: state.name, input: state.arguments.length === 0 ? "{}" : state.arguments };
  }
}

function annotate(error: GatewayError, provider: string): GatewayError {
  return new GatewayError(error.kind, `Provider ${provider}: ${error.message}`, { metadata: { provider_name: provider }, cause: error });
}

/** An `{"error":…}` chunk inside a 200 stream. https://platform.openai.com/docs/guides/error-codes */
function midStreamError(
  provider: string,
  error: string | { message?: string | null; type?: string | null; code?: string | number | null },
): GatewayError {
  const message = typeof error === "string" ? error : (error.message ?? "unknown error");
  const code = typeof error === "string" ? undefined : (error.code ?? error.type ?? undefined);
  return new GatewayError("provider_unavailable", `Provider ${provider} failed mid-stream: ${message}`, {
    retryable: true,
    metadata: { provider_name: provider, raw: message, ...(code === undefined ? {} : { provider_code: code }) },
  });
}
