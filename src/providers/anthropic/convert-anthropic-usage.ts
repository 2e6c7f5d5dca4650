import type { Usage } from "../../core/index.js";
import type { AnthropicUsage } from "./anthropic-api.js";

/**
 * Anthropic usage → the gateway's usage. Anthropic's `input_tokens` EXCLUDES tokens read from or written
 * to the prompt cache ("Total input tokens in a request is the summation of `input_tokens`,
 * `cache_creation_input_tokens`, and `cache_read_input_tokens`"), so the total adds them back while
 * `cacheRead` and `cacheWrite` keep them apart. Thinking tokens are part of `output_tokens`.
 * Counts the upstream left out stay `undefined`.
 * https://docs.claude.com/en/api/messages#response-usage
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const input = usage?.input_tokens ?? undefined;
  const cacheRead = usage?.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage?.cache_creation_input_tokens ?? undefined;
  return {
    inputTokens: {
      total: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      cacheRead,
      cacheWrite,
    },
    outputTokens: {
      total: usage?.output_tokens ?? undefined,
      reasoning: usage?.output_tokens_details?.thinking_tokens ?? undefined,
    },
  };
}

/**
 * Folds a streamed usage report into what is known so far. `message_start` carries the input counts;
 * each `message_delta` carries cumulative counts, so a non-null value replaces the earlier one.
 * https://docs.claude.com/en/docs/build-with-claude/streaming#event-types
 */
export function mergeAnthropicUsage(known: AnthropicUsage, update: AnthropicUsage | null | undefined): AnthropicUsage {
  if (update === null || update === undefined) return known;
  return {
    input_tokens: update.input_tokens ?? known.input_tokens,
    output_tokens: update.output_tokens ?? known.output_tokens,
    cache_read_input_tokens: update.cache_read_input_tokens ?? known.cache_read_input_tokens,
    cache_creation_input_tokens: update.cache_creation_input_tokens ?? known.cache_creation_input_tokens,
    output_tokens_details: update.output_tokens_details ?? known.output_tokens_details,
  };
}
