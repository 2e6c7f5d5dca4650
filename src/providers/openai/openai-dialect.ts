import type { CallOptions } from "../../core/index.js";

/**
 * How one server speaks the Chat Completions wire format. OpenAI is the reference; OpenAI-compatible
 * vendors (`src/providers/openai-compatible/vendors.ts`) differ only in these settings, so one adapter serves
 * them all by configuration instead of by copies.
 */
export interface OpenAIDialect {
  /**
   * Which field carries the output-token limit. OpenAI deprecated `max_tokens` (and reasoning models refuse
   * it); many compatible servers only know `max_tokens`.
   * https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
   */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  /** Whether `stream_options: {include_usage: true}` is understood (older servers reject unknown fields). */
  supportsStreamOptions: boolean;
  /**
   * How reasoning is asked for: OpenAI's `reasoning_effort`, OpenRouter's `reasoning` object, or not at all
   * (the model id decides, e.g. `deepseek-reasoner`).
   */
  reasoningParameter: "reasoning_effort" | "reasoning-object" | "none";
  /** Models that accept the reasoning parameter; `undefined` means every model does. */
  reasoningModels?: RegExp;
  /**
   * Settings some models of this server refuse (OpenAI's o-series and GPT-5 refuse temperature, top_p,
   * penalties and stop); they are dropped with a warning for the models that match.
   */
  modelRestrictions?: ReadonlyArray<{ models: RegExp; unsupportedSettings: ReadonlyArray<keyof CallOptions> }>;
  /** Models that take system instructions as the `developer` role (OpenAI's o1 and newer). */
  developerRoleModels?: RegExp;
  /** Call options this server rejects or ignores; they are dropped with a warning. */
  unsupportedSettings: ReadonlyArray<keyof CallOptions>;
  /**
   * Top-level request fields for the sampling settings OpenAI lacks, when the server knows them; without
   * a field name the setting is dropped with a warning.
   */
  extraSamplingFields?: { topK?: string; repetitionPenalty?: string };
  /** Name of the seed field (Mistral calls it `random_seed`). */
  seedField: string;
  /** Whether `response_format: {type: "json_schema"}` works; otherwise `json_object` is sent with a warning. */
  supportsJsonSchema: boolean;
  /** Whether `image_url.detail` is accepted (vLLM rejects it). */
  supportsImageDetail: boolean;
  /**
   * Field of an assistant message that carries earlier reasoning back to the server, for vendors whose
   * thinking models require it on tool-call turns (DeepSeek). `undefined` drops earlier reasoning.
   */
  assistantReasoningField?: "reasoning_content";
  /** Rewrites tool call ids the server would refuse (Mistral allows only 9 alphanumerics). */
  rewriteToolCallId?: (id: string) => string;
}

/** OpenAI's own API. https://platform.openai.com/docs/guides/reasoning */
export const OPENAI_DIALECT: OpenAIDialect = {
  maxTokensField: "max_completion_tokens",
  supportsStreamOptions: true,
  reasoningParameter: "reasoning_effort",
  reasoningModels: /^(o\d|gpt-5)(?!.*-chat)/,
  modelRestrictions: [
    { models: /^(o\d|gpt-5)(?!.*-chat)/, unsupportedSettings: ["temperature", "topP", "frequencyPenalty", "presencePenalty", "stopSequences"] },
  ],
  developerRoleModels: /^(o\d|gpt-5)(?!.*-chat)/,
  unsupportedSettings: [],
  seedField: "seed",
  supportsJsonSchema: true,
  supportsImageDetail: true,
};
