import type { CallOptions, EmbedOptions, EmbedResult, GatewayError, GenerateResult, LanguageModel, StreamResult } from "../../core/index.js";
import { parseResponseBody } from "../shared/parse-json-chunk.js";
import { postEventStream, type ServerSentEvent } from "../shared/post-event-stream.js";
import { postJson, type UpstreamRequest } from "../shared/post-json.js";
import type { LanguageModelFactory, ProviderSettings } from "../shared/provider-settings.js";
import { convertGeminiResponse } from "./convert-gemini-response.js";
import { createGeminiEmbeddings } from "./gemini-embeddings.js";
import { geminiResponseSchema, geminiStreamChunkSchema } from "./gemini-api.js";
import { transformGeminiStream } from "./gemini-chat-stream.js";
import { geminiStreamError, refineGeminiError } from "./gemini-errors.js";
import { buildGeminiRequest } from "./gemini-request.js";

/**
 * The Gemini API adapter (generativelanguage, https://ai.google.dev/api/generate-content).
 *
 * `settings.baseUrl` includes the API version, e.g. `https://generativelanguage.googleapis.com/v1beta`;
 * answers come from `${baseUrl}/models/${model}:generateContent` and, streamed,
 * `:streamGenerateContent?alt=sse` (without `alt=sse` Gemini streams one JSON array instead of SSE). The key
 * goes in the `x-goog-api-key` header (https://ai.google.dev/gemini-api/docs/api-key), never in the URL,
 * where it would end up in logs. A model id may be given with or without Gemini's `models/` prefix.
 */
export const createGeminiModel: LanguageModelFactory = (settings: ProviderSettings, providerModelId: string): LanguageModel => {
  const modelPath = providerModelId.replace(/^models\//, "");
  const provider = settings.provider;

  const upstreamRequest = (options: CallOptions, method: string, body: unknown): UpstreamRequest => ({
    provider,
    url: `${settings.baseUrl}/models/${encodeURIComponent(modelPath)}:${method}`,
    headers: { "x-goog-api-key": settings.apiKey },
    body,
    dispatcher: settings.dispatcher,
    abortSignal: options.abortSignal,
    timeouts: settings.timeouts,
  });

  return {
    provider,
    providerModelId,

    async doGenerate(options: CallOptions): Promise<GenerateResult> {
      const { body, warnings } = buildGeminiRequest(options, modelPath);
      let json: unknown;
      try {
        json = await postJson(upstreamRequest(options, "generateContent", body));
      } catch (error) {
        throw refineGeminiError(provider, error);
      }
      const response = parseResponseBody({ value: json, schema: geminiResponseSchema, provider });
      return convertGeminiResponse({ response, generateId: settings.generateId, warnings });
    },

    async doStream(options: CallOptions): Promise<StreamResult> {
      const { body, warnings } = buildGeminiRequest(options, modelPath);
      let events: AsyncIterable<ServerSentEvent>;
      try {
        events = await postEventStream(upstreamRequest(options, "streamGenerateContent?alt=sse", body));
      } catch (error) {
        throw refineGeminiError(provider, error);
      }
      // Look at the first event before answering: an error event there is a failure before any output,
      // thrown so the router can still fail over, like an HTTP error status.
      const iterator = events[Symbol.asyncIterator]();
      const first = await iterator.next();
      const firstError = first.done === true ? undefined : errorInEvent(provider, first.value);
      if (firstError !== undefined) {
        await iterator.return?.();
        throw firstError;
      }
      return {
        stream: transformGeminiStream({ events: replayFirst(first, iterator), provider, generateId: settings.generateId, warnings }),
      };
    },

    doEmbed(options: EmbedOptions): Promise<EmbedResult> {
      return createGeminiEmbeddings(settings, modelPath, options);
    },
  };
};

/** The GatewayError an event carries when it is Google's `{error:{…}}` envelope. */
function errorInEvent(provider: string, event: ServerSentEvent): GatewayError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    return undefined;
  }
  const parsed = geminiStreamChunkSchema.safeParse(json);
  const error = parsed.success ? parsed.data.error : undefined;
  return error === null || error === undefined ? undefined : geminiStreamError({ provider, code: error.code, rawEvent: event.data });
}

/** The events again, the one already read first; closing it closes the upstream. */
async function* replayFirst(first: IteratorResult<ServerSentEvent>, rest: AsyncIterator<ServerSentEvent>): AsyncGenerator<ServerSentEvent> {
  try {
    if (first.done === true) return;
    yield first.value;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}
