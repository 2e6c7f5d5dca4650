import { createHash } from "node:crypto";
import type { Script } from "../shared/scenario.js";

/**
 * A Script laid out as Anthropic content blocks, stop reason and usage, shared by the non-streaming and the
 * streaming renderer so both always describe the same answer.
 * https://docs.claude.com/en/api/messages (response), https://docs.claude.com/en/docs/build-with-claude/streaming
 */

export type AnswerBlock =
  | { type: "thinking"; chunks: string[]; signature: string }
  | { type: "text"; chunks: string[] }
  | { type: "tool_use"; id: string; name: string; input: unknown; inputJson: string };

export type AnthropicStopReason = "end_turn" | "max_tokens" | "tool_use" | "stop_sequence";

/** Anthropic usage: `input_tokens` excludes cache reads and cache writes, which are reported apart. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  thinking_tokens: number;
}

export interface AnthropicAnswer {
  id: string;
  model: string;
  blocks: AnswerBlock[];
  stopReason: AnthropicStopReason;
  /** The stop sequence that matched, with `stop_reason: "stop_sequence"`; null otherwise. */
  stopSequence: string | null;
  usage: AnthropicUsage;
}

/**
 * The opaque signature the simulator puts on thinking blocks. Derived from the text, so the simulator can
 * reject a thinking block passed back modified, as the real API does.
 */
export function signThinking(thinking: string): string {
  return Buffer.from(`sim-signature:${createHash("sha256").update(thinking).digest("hex")}`).toString("base64");
}

/** Mints ids in Anthropic's shapes (`msg_01…`, `toolu_01…`), deterministic per simulator instance. */
export function createIdFactory(): { messageId(): string; toolUseId(): string } {
  let counter = 0;
  const next = () => String(++counter).padStart(18, "0");
  return { messageId: () => `msg_01Sim${next()}`, toolUseId: () => `toolu_01Sim${next()}` };
}

const STOP_REASONS: Record<Script["finish"], AnthropicStopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
};

/**
 * Anthropic-only directive `[[cache-write:N]]`: N prompt tokens are reported as written to the prompt cache
 * (`cache_creation_input_tokens`), a count the shared scenario has no notion of.
 */
export function cacheWriteDirective(lastUserText: string): number {
  const match = /\[\[cache-write:(\d+)\]\]/.exec(lastUserText);
  return match === null ? 0 : Number(match[1]);
}

export function buildAnswer(options: {
  script: Script;
  model: string;
  ids: ReturnType<typeof createIdFactory>;
  cacheWriteTokens: number;
}): AnthropicAnswer {
  const { script, ids } = options;
  const blocks: AnswerBlock[] = [];
  if (script.reasoningChunks.length > 0) {
    blocks.push({ type: "thinking", chunks: script.reasoningChunks, signature: signThinking(script.reasoningChunks.join("")) });
  }
  if (script.textChunks.length > 0) blocks.push({ type: "text", chunks: script.textChunks });
  for (const call of script.toolCalls) {
    blocks.push({ type: "tool_use", id: ids.toolUseId(), name: call.name, input: JSON.parse(call.arguments), inputJson: call.arguments });
  }
  const cacheRead = script.usage.cachedTokens;
  const cacheWrite = Math.min(options.cacheWriteTokens, script.usage.promptTokens - cacheRead);
  return {
    id: ids.messageId(),
    model: options.model,
    blocks,
    stopReason: script.stopSequence === undefined ? STOP_REASONS[script.finish] : "stop_sequence",
    stopSequence: script.stopSequence ?? null,
    usage: {
      input_tokens: script.usage.promptTokens - cacheRead - cacheWrite,
      output_tokens: script.usage.completionTokens,
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: cacheWrite,
      thinking_tokens: script.usage.reasoningTokens,
    },
  };
}

/** The `usage` object of a `Message`, as the API sends it. */
export function wireUsage(usage: AnthropicUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    output_tokens_details: { thinking_tokens: usage.thinking_tokens },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: null,
  };
}
