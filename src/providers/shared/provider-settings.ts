import type { Dispatcher } from "undici";
import type { LanguageModel } from "../../core/index.js";

/**
 * Everything an adapter needs to talk to one provider, given by the registry. Every adapter takes the same
 * settings so the registry can build any of them from configuration alone.
 */
export interface ProviderSettings {
  /** The provider slug, e.g. `groq`. */
  provider: string;
  /** No trailing slash, e.g. `https://api.groq.com/openai/v1`. */
  baseUrl: string;
  /** `undefined` for servers that need no key (local Ollama, vLLM, llama.cpp). */
  apiKey: string | undefined;
  /** The pooled keep-alive agent shared by all adapters (see `createUpstreamDispatcher`). */
  dispatcher: Dispatcher;
  /** For ids the gateway has to invent (tool calls from providers that send none). */
  generateId: () => string;
  /** Per-request overrides of the dispatcher's header and body timeouts. */
  timeouts?: { headersMs: number; bodyMs: number };
}

/** Builds a model bound to one provider and one provider model id. */
export type LanguageModelFactory = (settings: ProviderSettings, providerModelId: string) => LanguageModel;
