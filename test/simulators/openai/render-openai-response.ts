import { randomBytes } from "node:crypto";
import type { Script } from "../shared/scenario.js";

/** Which message field carries reasoning text: DeepSeek/vLLM, OpenRouter/Ollama, or none (OpenAI itself). */
export type ReasoningField = "reasoning_content" | "reasoning" | "none";

export interface RenderContext {
  script: Script;
  model: string;
  id: string;
  created: number;
  reasoningField: ReasoningField;
  /** One id per scripted tool call, the same for the streamed and the non-streamed answer. */
  toolCallIds: string[];
  includeUsage: boolean;
}

/** https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage */
export function renderUsage(script: Script): Record<string, unknown> {
  const { promptTokens, completionTokens, reasoningTokens, cachedTokens } = script.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** The non-streamed `chat.completion` object. https://platform.openai.com/docs/api-reference/chat/object */
export function renderChatCompletion(context: RenderContext): Record<string, unknown> {
  const { script } = context;
  const text = script.textChunks.join("");
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text.length === 0 && script.toolCalls.length > 0 ? null : text,
    refusal: null,
    annotations: [],
  };
  if (context.reasoningField !== "none" && script.reasoningChunks.length > 0) message[context.reasoningField] = script.reasoningChunks.join("");
  if (script.toolCalls.length > 0) {
    message.tool_calls = script.toolCalls.map((call, index) => ({
      id: context.toolCallIds[index],
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: script.finish }],
    usage: renderUsage(script),
    service_tier: "default",
    system_fingerprint: "fp_simulated",
  };
}

export interface StreamChunk {
  body: Record<string, unknown>;
  /** `content` chunks (reasoning, text and tool-call deltas) count toward `[[fail-after:N]]`. */
  kind: "role" | "content" | "finish" | "usage";
}

/** Splits tool arguments into pieces the way OpenAI streams them: a few characters at a time. */
function argumentPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += 6) pieces.push(text.slice(start, start + 6));
  return pieces;
}

/**
 * The `chat.completion.chunk` sequence (without the final `[DONE]`): a role chunk, reasoning and content
 * deltas, tool-call deltas (first `index`/`id`/`type`/`function.name` with empty arguments, then argument
 * pieces), a finish chunk with `delta: {}`, and with `include_usage` a last chunk with empty `choices`.
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function renderStreamChunks(context: RenderContext): StreamChunk[] {
  const { script } = context;
  const frame = (choices: unknown[], usage?: unknown): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      id: context.id,
      object: "chat.completion.chunk",
      created: context.created,
      model: context.model,
      service_tier: "default",
      system_fingerprint: "fp_simulated",
      choices,
    };
    // With include_usage every chunk carries `usage`, null until the last.
    if (context.includeUsage) body.usage = usage ?? null;
    // OpenAI pads chunks with random text by default; clients must ignore it.
    if (choices.length > 0) body.obfuscation = randomBytes(3).toString("hex");
    return body;
  };
  const delta = (content: Record<string, unknown>, finishReason: string | null = null): unknown[] => [
    { index: 0, delta: content, logprobs: null, finish_reason: finishReason },
  ];

  const chunks: StreamChunk[] = [{ body: frame(delta({ role: "assistant", content: "", refusal: null })), kind: "role" }];
  if (context.reasoningField !== "none") {
    for (const piece of script.reasoningChunks) chunks.push({ body: frame(delta({ [context.reasoningField]: piece })), kind: "content" });
  }
  for (const piece of script.textChunks) chunks.push({ body: frame(delta({ content: piece })), kind: "content" });
  for (const [index, call] of script.toolCalls.entries()) {
    const start = { index, id: context.toolCallIds[index], type: "function", function: { name: call.name, arguments: "" } };
    chunks.push({ body: frame(delta({ tool_calls: [start] })), kind: "content" });
    for (const piece of argumentPieces(call.arguments)) {
      chunks.push({ body: frame(delta({ tool_calls: [{ index, function: { arguments: piece } }] })), kind: "content" });
    }
  }
  chunks.push({ body: frame(delta({}, script.finish)), kind: "finish" });
  if (context.includeUsage) chunks.push({ body: frame([], renderUsage(script)), kind: "usage" });
  return chunks;
}
