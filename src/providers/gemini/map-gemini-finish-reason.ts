import type { FinishReason, UnifiedFinishReason } from "../../core/index.js";

/**
 * Gemini's `finishReason` → the unified reason, keeping the raw value for `native_finish_reason`.
 * https://ai.google.dev/api/generate-content#FinishReason
 *
 * Gemini has no "tool calls" reason: a turn that called functions ends with `STOP`, so `hasToolCalls` turns
 * that into `tool-calls`. A prompt blocked before any candidate comes as `promptFeedback.blockReason`
 * (https://ai.google.dev/api/generate-content#BlockReason), which is a content filter too.
 */
export function mapGeminiFinishReason(input: {
  finishReason: string | null | undefined;
  hasToolCalls: boolean;
  blockReason?: string | null | undefined;
}): FinishReason {
  const raw = input.finishReason ?? input.blockReason ?? undefined;
  if (input.finishReason === null || input.finishReason === undefined) {
    return { unified: input.blockReason === null || input.blockReason === undefined ? "other" : "content-filter", raw };
  }
  return { unified: unify(input.finishReason, input.hasToolCalls), raw };
}

function unify(finishReason: string, hasToolCalls: boolean): UnifiedFinishReason {
  switch (finishReason) {
    case "STOP":
      return hasToolCalls ? "tool-calls" : "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
      return "content-filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
      // The model tried to call a tool and failed; the caller gets no usable call.
      return "error";
    default:
      // LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, NO_IMAGE, IMAGE_OTHER and reasons added later.
      return "other";
  }
}
