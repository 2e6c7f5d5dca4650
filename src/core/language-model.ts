import type { CallOptions, CallWarning } from "./call-options.js";
import type { EmbedOptions, EmbedResult } from "./embedding.js";
import type { FinishReason } from "./finish-reason.js";
import type { StreamPart } from "./stream-parts.js";
import type { Usage } from "./usage.js";

/** One piece of a complete (non-streamed) answer, in the order the provider produced them. */
export type GeneratedContent =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string; signature?: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: string; signature?: string };

export interface GenerateResult {
  content: GeneratedContent[];
  finishReason: FinishReason;
  usage: Usage;
  /** The upstream's own response id, for `upstream_id`. */
  responseId?: string;
  /** The model the upstream says answered. */
  modelId?: string;
  warnings: CallWarning[];
}

export interface StreamResult {
  /**
   * The answer as stream parts. Ends with exactly one `finish` part, or with an `error` part when the
   * upstream fails mid-stream. Iteration stops early (and the upstream request is aborted) when the
   * consumer stops reading or the call's abort signal fires.
   */
  stream: AsyncIterable<StreamPart>;
}

/**
 * The one interface every provider adapter implements, bound to one provider and one provider model id.
 * Failures before any output are thrown as `GatewayError`s (with `retryable` set so the router can fail
 * over); nothing provider-specific crosses this boundary.
 */
export interface LanguageModel {
  /** The provider slug, e.g. `anthropic` or `groq`. */
  readonly provider: string;
  /** The model id the provider's own API expects, e.g. `claude-sonnet-4-5`. */
  readonly providerModelId: string;
  doGenerate(options: CallOptions): Promise<GenerateResult>;
  doStream(options: CallOptions): Promise<StreamResult>;
  /**
   * The most output tokens the adapter lets the provider produce (and bill) for `options`, when it asks for
   * more than `options.maxOutputTokens` (Anthropic raises `max_tokens` to fit a thinking budget). The hold
   * covers this many, since the charge never exceeds the hold. Absent or undefined: `maxOutputTokens` holds.
   */
  outputTokenCeiling?(options: CallOptions): number | undefined;
  /**
   * Embeds `options.values`, for adapters whose provider has an embeddings API (absent otherwise, and the
   * router then treats the endpoint as unable to serve the request). Failures are thrown as `GatewayError`s.
   */
  doEmbed?(options: EmbedOptions): Promise<EmbedResult>;
}
