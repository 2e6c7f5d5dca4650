import type { Dispatcher } from "undici";
import { GatewayError, type LanguageModel } from "../core/index.js";
import { createAnthropicMessagesModel } from "./anthropic/anthropic-messages-model.js";
import { createGeminiModel } from "./gemini/gemini-model.js";
import { createOpenAIChatModel } from "./openai/openai-chat-model.js";
import { createOpenAICompatibleModelFactory } from "./openai-compatible/openai-compatible-model.js";
import { OPENAI_COMPATIBLE_VENDORS } from "./openai-compatible/vendors.js";
import type { LanguageModelFactory, ProviderSettings } from "./shared/provider-settings.js";
import { createSecretScrubber } from "./shared/secret-scrubber.js";
import { withScrubbedErrors } from "./shared/with-scrubbed-errors.js";

/** How the gateway reaches one provider: its adapter and where its key and base URL come from. */
export interface ProviderDefinition {
  slug: string;
  factory: LanguageModelFactory;
  apiKeyEnv: string;
  baseUrlEnv: string;
  /** No trailing slash. */
  defaultBaseUrl: string;
  /** Hosted APIs need a key; local servers need only to be pointed at (their base URL set). */
  requiresApiKey: boolean;
}

/**
 * Every provider the gateway can call. This is the only list of them: adding a provider is adding its
 * folder and one entry here (or, for an OpenAI-compatible vendor, one entry in `openai-compatible/vendors.ts`).
 */
export const PROVIDER_DEFINITIONS: readonly ProviderDefinition[] = [
  {
    slug: "openai",
    factory: createOpenAIChatModel,
    apiKeyEnv: "OPENAI_API_KEY",
    baseUrlEnv: "OPENAI_BASE_URL",
    defaultBaseUrl: "https://api.openai.com/v1",
    requiresApiKey: true,
  },
  {
    slug: "anthropic",
    factory: createAnthropicMessagesModel,
    apiKeyEnv: "ANTHROPIC_API_KEY",
    baseUrlEnv: "ANTHROPIC_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com/v1",
    requiresApiKey: true,
  },
  {
    slug: "google-ai-studio",
    factory: createGeminiModel,
    apiKeyEnv: "GEMINI_API_KEY",
    baseUrlEnv: "GEMINI_BASE_URL",
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    requiresApiKey: true,
  },
  ...OPENAI_COMPATIBLE_VENDORS.map((vendor) => ({
    slug: vendor.slug,
    factory: createOpenAICompatibleModelFactory(vendor),
    apiKeyEnv: vendor.apiKeyEnv,
    baseUrlEnv: vendor.baseUrlEnv,
    defaultBaseUrl: vendor.defaultBaseUrl,
    requiresApiKey: vendor.requiresApiKey,
  })),
];

/** Builds models for configured providers; the router asks it for one model per attempt. */
export interface ProviderRegistry {
  /** Whether the environment holds what this provider needs (its key, or for a local server its URL). */
  isConfigured(slug: string): boolean;
  /** The variable to set to configure a provider: its API key, or for a local server its base URL. */
  configurationVariable(slug: string): string | undefined;
  /**
   * A model of a configured provider. Throws `no_provider` for an unknown or unconfigured provider, naming
   * the environment variable to set.
   */
  languageModel(slug: string, providerModelId: string): LanguageModel;
  /**
   * A model of a provider called with an account's own key (BYOK) instead of the gateway's: the provider need
   * not be configured, its base URL is the configured or default one, and the key goes to this provider only.
   * Errors come out scrubbed of this key as well as the gateway's.
   */
  languageModelWithKey(slug: string, providerModelId: string, apiKey: string): LanguageModel;
  /** Whether accounts may bring their own key for this provider: a known provider that takes an API key. */
  acceptsOwnKey(slug: string): boolean;
  /** Slugs of the configured providers, in definition order. */
  configuredProviders(): string[];
  /** Slugs of every provider the gateway knows, configured or not. */
  knownProviders(): string[];
}

/** What the composition root hands the registry: the environment and the shared dependencies. */
export interface ProviderRegistryOptions {
  env: Record<string, string | undefined>;
  /** The pooled upstream agent (see `createUpstreamDispatcher`). */
  dispatcher: Dispatcher;
  generateId: () => string;
  timeouts?: ProviderSettings["timeouts"];
}

/** What configures a provider: its key, or for a server that needs none (a local one) its base URL. */
function variableOf(definition: ProviderDefinition): string {
  return definition.requiresApiKey ? definition.apiKeyEnv : definition.baseUrlEnv;
}

/** Builds models from environment configuration. Settings are read once, when the registry is created. */
export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const valueOf = (name: string): string | undefined => {
    const value = options.env[name]?.trim();
    return value === undefined || value.length === 0 ? undefined : value;
  };
  const settingsBySlug = new Map<string, { definition: ProviderDefinition; settings: ProviderSettings | undefined }>();
  for (const definition of PROVIDER_DEFINITIONS) {
    const apiKey = valueOf(definition.apiKeyEnv);
    const baseUrlOverride = valueOf(definition.baseUrlEnv);
    const configured = definition.requiresApiKey ? apiKey !== undefined : baseUrlOverride !== undefined;
    const settings: ProviderSettings | undefined = configured
      ? {
          provider: definition.slug,
          baseUrl: (baseUrlOverride ?? definition.defaultBaseUrl).replace(/\/+$/, ""),
          apiKey,
          dispatcher: options.dispatcher,
          generateId: options.generateId,
          ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
        }
      : undefined;
    settingsBySlug.set(definition.slug, { definition, settings });
  }

  // Every configured key, whichever provider it belongs to: an upstream's error text may quote any of them.
  const sharedKeys = [...settingsBySlug.values()].map((entry) => entry.settings?.apiKey);
  const scrubber = createSecretScrubber(sharedKeys);

  return {
    isConfigured: (slug) => settingsBySlug.get(slug)?.settings !== undefined,
    configurationVariable: (slug) => {
      const definition = settingsBySlug.get(slug)?.definition;
      return definition === undefined ? undefined : variableOf(definition);
    },
    configuredProviders: () => [...settingsBySlug.values()].filter((entry) => entry.settings !== undefined).map((entry) => entry.definition.slug),
    knownProviders: () => [...settingsBySlug.keys()],
    languageModel(slug, providerModelId) {
      const entry = settingsBySlug.get(slug);
      if (entry === undefined) {
        throw new GatewayError("no_provider", `Unknown provider "${slug}"`, { metadata: { provider_name: slug } });
      }
      if (entry.settings === undefined) {
        const variable = variableOf(entry.definition);
        throw new GatewayError("no_provider", `Provider "${slug}" is not configured: set ${variable}`, {
          metadata: { provider_name: slug, env: variable },
        });
      }
      return withScrubbedErrors(entry.definition.factory(entry.settings, providerModelId), scrubber);
    },
    acceptsOwnKey: (slug) => settingsBySlug.get(slug)?.definition.requiresApiKey === true,
    languageModelWithKey(slug, providerModelId, apiKey) {
      const entry = settingsBySlug.get(slug);
      if (entry?.definition.requiresApiKey !== true) {
        throw new GatewayError("no_provider", `Provider "${slug}" does not take an own key`, { metadata: { provider_name: slug } });
      }
      const { definition } = entry;
      const settings: ProviderSettings = {
        provider: definition.slug,
        baseUrl: (valueOf(definition.baseUrlEnv) ?? definition.defaultBaseUrl).replace(/\/+$/, ""),
        apiKey,
        dispatcher: options.dispatcher,
        generateId: options.generateId,
        ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
      };
      return withScrubbedErrors(definition.factory(settings, providerModelId), createSecretScrubber([apiKey, ...sharedKeys]));
    },
  };
}
