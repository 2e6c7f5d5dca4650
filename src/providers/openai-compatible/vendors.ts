import type { OpenAIDialect } from "../openai/openai-dialect.js";
import { toMistralToolCallId } from "./mistral-tool-call-id.js";

/** One vendor that speaks the Chat Completions wire format, and how the gateway reaches it. */
export interface OpenAICompatibleVendor {
  /** Provider slug used by the catalog and the registry. */
  slug: string;
  /** Where the API lives when `baseUrlEnv` is not set (no trailing slash; `/chat/completions` is appended). */
  defaultBaseUrl: string;
  /** Environment variable holding the API key. */
  apiKeyEnv: string;
  /** Environment variable that overrides the base URL. */
  baseUrlEnv: string;
  /**
   * Hosted APIs need a key, so they count as configured once the key is set. Local servers need none and
   * count as configured once their base URL is set (someone said a server runs there).
   */
  requiresApiKey: boolean;
  dialect: OpenAIDialect;
  /** The vendor's OpenAI-compatibility documentation. */
  docs: string;
}

/** What most compatible servers understand: the classic `max_tokens`, no OpenAI-only model rules. */
const COMPATIBLE_DIALECT: OpenAIDialect = {
  maxTokensField: "max_tokens",
  supportsStreamOptions: true,
  reasoningParameter: "reasoning_effort",
  unsupportedSettings: [],
  seedField: "seed",
  supportsJsonSchema: true,
  supportsImageDetail: true,
};

/** Server-side sampling knobs (`top_k`, `repetition_penalty`) that vLLM-based hosts take as top-level fields. */
const VLLM_STYLE_SAMPLING = { topK: "top_k", repetitionPenalty: "repetition_penalty" } as const;

/** Every OpenAI-compatible vendor the gateway knows. Adding one is adding an entry here. */
export const OPENAI_COMPATIBLE_VENDORS: readonly OpenAICompatibleVendor[] = [
  {
    slug: "groq",
    defaultBaseUrl: "https://api.groq.com/openai/v1",
    apiKeyEnv: "GROQ_API_KEY",
    baseUrlEnv: "GROQ_BASE_URL",
    requiresApiKey: true,
    // Groq prefers `max_completion_tokens`; `reasoning_effort` only works on its gpt-oss models.
    dialect: { ...COMPATIBLE_DIALECT, maxTokensField: "max_completion_tokens", reasoningModels: /gpt-oss/ },
    docs: "https://console.groq.com/docs/openai",
  },
  {
    slug: "together",
    defaultBaseUrl: "https://api.together.xyz/v1",
    apiKeyEnv: "TOGETHER_API_KEY",
    baseUrlEnv: "TOGETHER_BASE_URL",
    requiresApiKey: true,
    // Together sends usage in the last chunk on its own and documents no `stream_options`.
    dialect: { ...COMPATIBLE_DIALECT, supportsStreamOptions: false, extraSamplingFields: VLLM_STYLE_SAMPLING },
    docs: "https://docs.together.ai/docs/openai-api-compatibility",
  },
  {
    slug: "mistral",
    defaultBaseUrl: "https://api.mistral.ai/v1",
    apiKeyEnv: "MISTRAL_API_KEY",
    baseUrlEnv: "MISTRAL_BASE_URL",
    requiresApiKey: true,
    // Mistral forbids unknown fields (so no `stream_options` or `user`; usage comes anyway), names the seed
    // `random_seed`, has no reasoning knob, and takes only nine-character alphanumeric tool call ids.
    dialect: {
      ...COMPATIBLE_DIALECT,
      supportsStreamOptions: false,
      reasoningParameter: "none",
      unsupportedSettings: ["user"],
      seedField: "random_seed",
      rewriteToolCallId: toMistralToolCallId,
    },
    docs: "https://docs.mistral.ai/api/#tag/chat",
  },
  {
    slug: "deepseek",
    defaultBaseUrl: "https://api.deepseek.com",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    baseUrlEnv: "DEEPSEEK_BASE_URL",
    requiresApiKey: true,
    // Reasoning is chosen by model (`deepseek-reasoner`), JSON mode is `json_object` only, and thinking
    // models want their earlier `reasoning_content` back on tool-call turns.
    dialect: {
      ...COMPATIBLE_DIALECT,
      reasoningParameter: "none",
      supportsJsonSchema: false,
      assistantReasoningField: "reasoning_content",
    },
    docs: "https://api-docs.deepseek.com/api/create-chat-completion",
  },
  {
    slug: "fireworks",
    defaultBaseUrl: "https://api.fireworks.ai/inference/v1",
    apiKeyEnv: "FIREWORKS_API_KEY",
    baseUrlEnv: "FIREWORKS_BASE_URL",
    requiresApiKey: true,
    dialect: { ...COMPATIBLE_DIALECT, extraSamplingFields: VLLM_STYLE_SAMPLING },
    docs: "https://docs.fireworks.ai/tools-sdks/openai-compatibility",
  },
  {
    slug: "deepinfra",
    defaultBaseUrl: "https://api.deepinfra.com/v1/openai",
    apiKeyEnv: "DEEPINFRA_API_KEY",
    baseUrlEnv: "DEEPINFRA_BASE_URL",
    requiresApiKey: true,
    dialect: { ...COMPATIBLE_DIALECT, extraSamplingFields: VLLM_STYLE_SAMPLING },
    docs: "https://deepinfra.com/docs/advanced/openai_api",
  },
  {
    slug: "xai",
    defaultBaseUrl: "https://api.x.ai/v1",
    apiKeyEnv: "XAI_API_KEY",
    baseUrlEnv: "XAI_BASE_URL",
    requiresApiKey: true,
    // Only grok-3-mini takes `reasoning_effort` (others answer 400); grok-4 reasons always and refuses
    // penalties and stop sequences.
    dialect: {
      ...COMPATIBLE_DIALECT,
      maxTokensField: "max_completion_tokens",
      reasoningModels: /^grok-3-mini/,
      modelRestrictions: [{ models: /^grok-4/, unsupportedSettings: ["frequencyPenalty", "presencePenalty", "stopSequences"] }],
    },
    docs: "https://docs.x.ai/docs/api-reference#chat-completions",
  },
  {
    slug: "cerebras",
    defaultBaseUrl: "https://api.cerebras.ai/v1",
    apiKeyEnv: "CEREBRAS_API_KEY",
    baseUrlEnv: "CEREBRAS_BASE_URL",
    requiresApiKey: true,
    // Cerebras answers 400 to frequency_penalty, presence_penalty and parallel_tool_calls.
    dialect: {
      ...COMPATIBLE_DIALECT,
      maxTokensField: "max_completion_tokens",
      reasoningModels: /gpt-oss/,
      unsupportedSettings: ["frequencyPenalty", "presencePenalty", "parallelToolCalls"],
    },
    docs: "https://inference-docs.cerebras.ai/resources/openai",
  },
  {
    slug: "openrouter",
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    baseUrlEnv: "OPENROUTER_BASE_URL",
    requiresApiKey: true,
    // OpenRouter takes the unified `reasoning` object and passes top_k / repetition_penalty on.
    dialect: { ...COMPATIBLE_DIALECT, reasoningParameter: "reasoning-object", extraSamplingFields: VLLM_STYLE_SAMPLING },
    docs: "https://openrouter.ai/docs/api-reference/chat-completion",
  },
  {
    slug: "ollama",
    defaultBaseUrl: "http://127.0.0.1:11434/v1",
    apiKeyEnv: "OLLAMA_API_KEY",
    baseUrlEnv: "OLLAMA_BASE_URL",
    requiresApiKey: false,
    dialect: COMPATIBLE_DIALECT,
    docs: "https://docs.ollama.com/api/openai-compatibility",
  },
  {
    slug: "vllm",
    defaultBaseUrl: "http://127.0.0.1:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
    baseUrlEnv: "VLLM_BASE_URL",
    requiresApiKey: false,
    // vLLM takes extra sampling fields at the top level and rejects `image_url.detail`.
    dialect: { ...COMPATIBLE_DIALECT, extraSamplingFields: VLLM_STYLE_SAMPLING, supportsImageDetail: false },
    docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
  },
  {
    slug: "llamacpp",
    defaultBaseUrl: "http://127.0.0.1:8080/v1",
    apiKeyEnv: "LLAMACPP_API_KEY",
    baseUrlEnv: "LLAMACPP_BASE_URL",
    requiresApiKey: false,
    // llama-server calls the repetition penalty `repeat_penalty` and has no reasoning-effort knob.
    dialect: {
      ...COMPATIBLE_DIALECT,
      reasoningParameter: "none",
      extraSamplingFields: { topK: "top_k", repetitionPenalty: "repeat_penalty" },
    },
    docs: "https://github.com/ggml-org/llama.cpp/tree/master/tools/server",
  },
];
