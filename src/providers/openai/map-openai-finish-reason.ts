import type { FinishReason, UnifiedFinishReason } from "../../core/index.js";

/**
 * OpenAI's `finish_reason` → the unified reason, keeping the raw value for `native_finish_reason`.
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 * Compatible vendors add a few of their own, mapped here because they arrive through this adapter:
 * `eos` (older Together and vLLM builds), `model_length` (Mistral), `error` (Mistral, OpenRouter).
 */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  return { unified: unify(raw), raw: raw ?? undefined };
}

function unify(raw: string | null | undefined): UnifiedFinishReason {
  switch (raw) {
    case "stop":
    case "eos":
      return "stop";
    case "length":
    case "model_length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    case "error":
      return "error";
    default:
      return "other";
  }
}
