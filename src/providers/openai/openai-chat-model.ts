import type { CallOptions, EmbedOptions, EmbedResult, GenerateResult, LanguageModel, StreamResult } from "../../core/index.js";
import { parseResponseBody } from "../shared/parse-json-chunk.js";
import { postEventStream } from "../shared/post-event-stream.js";
import { postJson, type UpstreamRequest } from "../shared/post-json.js";
import type { LanguageModelFactory, ProviderSettings } from "../shared/provider-settings.js";
import { convertOpenAIResponseContent } from "./convert-openai-response.js";
import { convertOpenAIUsage } from "./convert-openai-usage.js";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.js";
import { openAIChatResponseSchema } from "./openai-api.js";
import { createOpenAIEmbeddings } from "./openai-embeddings.js";
import { transformOpenAIChatStream } from "./openai-chat-stream.js";
import { OPENAI_DIALECT, type OpenAIDialect } from "./openai-dialect.js";
import { buildOpenAIChatRequest } from "./openai-request.js";

/**
 * A Chat Completions model (`POST {baseUrl}/chat/completions`) for OpenAI or any server speaking its wire
 * format; the dialect holds everything that differs between them.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
class OpenAIChatModel implements LanguageModel {
  readonly provider: string;
  readonly providerModelId: string;

  constructor(
    private readonly settings: ProviderSettings,
    providerModelId: string,
    private readonly dialect: OpenAIDialect,
  ) {
    this.provider = settings.provider;
    this.providerModelId = providerModelId;
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const { body, warnings } = buildOpenAIChatRequest({ modelId: this.providerModelId, options, dialect: this.dialect, stream: false });
    const value = await postJson(this.request(body, options));
    const response = parseResponseBody({ value, schema: openAIChatResponseSchema, provider: this.provider });
    return {
      content: convertOpenAIResponseContent({ response, includeReasoning: options.reasoning?.exclude !== true, generateId: this.settings.generateId }),
      finishReason: mapOpenAIFinishReason(response.choices[0]?.finish_reason),
      usage: convertOpenAIUsage(response.usage),
      responseId: response.id ?? undefined,
      modelId: response.model ?? undefined,
      warnings,
    };
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const { body, warnings } = buildOpenAIChatRequest({ modelId: this.providerModelId, options, dialect: this.dialect, stream: true });
    const events = await postEventStream(this.request(body, options));
    return {
      stream: transformOpenAIChatStream({
        events,
        provider: this.provider,
        generateId: this.settings.generateId,
        warnings,
        includeReasoning: options.reasoning?.exclude !== true,
      }),
    };
  }

  /** OpenAI's embeddings API, which every compatible vendor serves at the same path. */
  doEmbed(options: EmbedOptions): Promise<EmbedResult> {
    return createOpenAIEmbeddings(this.settings, this.providerModelId, options);
  }

  private request(body: unknown, options: CallOptions): UpstreamRequest {
    return {
      provider: this.provider,
      url: `${this.settings.baseUrl}/chat/completions`,
      headers: { authorization: this.settings.apiKey === undefined ? undefined : `Bearer ${this.settings.apiKey}` },
      body,
      dispatcher: this.settings.dispatcher,
      abortSignal: options.abortSignal,
      timeouts: this.settings.timeouts,
    };
  }
}

/** A factory for one dialect, so OpenAI-compatible vendors reuse this adapter by configuration. */
export function createOpenAIChatModelFactory(dialect: OpenAIDialect): LanguageModelFactory {
  return (settings, providerModelId) => new OpenAIChatModel(settings, providerModelId, dialect);
}

/** OpenAI's own Chat Completions API (`https://api.openai.com/v1`). */
export const createOpenAIChatModel: LanguageModelFactory = createOpenAIChatModelFactory(OPENAI_DIALECT);
