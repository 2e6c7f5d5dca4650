/**
 * Why generation stopped, unified across providers, with the provider's own value kept for
 * OpenRouter's `native_finish_reason`.
 */
export type UnifiedFinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's value as sent (e.g. Anthropic `end_turn`, Gemini `MAX_TOKENS`). */
  raw: string | undefined;
  /** The stop sequence that ended the answer, when the provider says which one (Anthropic's `stop_sequence`). */
  stopSequence?: string;
}
