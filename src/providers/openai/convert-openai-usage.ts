import type { Usage } from "../../core/index.js";
import type { OpenAIUsage } from "./openai-api.js";

/**
 * OpenAI `usage` → the gateway's usage. `prompt_tokens` already includes cached tokens and
 * `completion_tokens` already includes reasoning tokens, so the details are subsets, as `Usage` wants.
 * Counts the upstream left out stay `undefined`.
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function convertOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  return {
    inputTokens: {
      total: usage?.prompt_tokens ?? undefined,
      // DeepSeek reports cache hits as `prompt_cache_hit_tokens`: https://api-docs.deepseek.com/guides/kv_cache
      cacheRead: usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens ?? undefined,
      cacheWrite: usage?.prompt_tokens_details?.cache_write_tokens ?? undefined,
    },
    outputTokens: {
      total: usage?.completion_tokens ?? undefined,
      reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? undefined,
    },
  };
}
