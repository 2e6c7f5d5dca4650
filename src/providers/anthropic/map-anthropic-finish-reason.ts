import type { FinishReason, UnifiedFinishReason } from "../../core/index.js";

/**
 * Anthropic's `stop_reason` → the unified reason, keeping the raw value for `native_finish_reason`.
 * https://docs.claude.com/en/api/messages#response-stop-reason and
 * https://docs.claude.com/en/docs/build-with-claude/handling-stop-reasons
 * `pause_turn` (a long server-tool turn was paused) ends this answer normally; the caller may continue it.
 */
export function mapAnthropicFinishReason(raw: string | null | undefined, stopSequence?: string | null): FinishReason {
  const reason: FinishReason = { unified: unify(raw), raw: raw ?? undefined };
  // `stop_sequence` names the caller's stop sequence that matched; it is set only with that stop reason.
  if (raw === "stop_sequence" && typeof stopSequence === "string") reason.stopSequence = stopSequence;
  return reason;
}

function unify(raw: string | null | undefined): UnifiedFinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      return "other";
  }
}
