import { z } from "zod";
import { GatewayError, type EmbedOptions, type EmbedResult } from "../../core/index.js";
import { parseResponseBody } from "../shared/parse-json-chunk.js";
import { postJson } from "../shared/post-json.js";
import type { ProviderSettings } from "../shared/provider-settings.js";

/** https://platform.openai.com/docs/api-reference/embeddings/object */
const openAIEmbeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  model: z.string().nullish(),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});

/**
 * `POST {baseUrl}/embeddings` for OpenAI and the servers speaking its format. Vectors are always asked as
 * floats: the gateway encodes base64 itself for its caller, whatever the upstream supports. OpenAI takes a
 * string, strings, a token array or token arrays; a mix of texts and token arrays is sent as it came.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 */
export async function createOpenAIEmbeddings(settings: ProviderSettings, providerModelId: string, options: EmbedOptions): Promise<EmbedResult> {
  const body = {
    model: providerModelId,
    input: options.values,
    encoding_format: "float",
    ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
  };
  const value = await postJson({
    provider: settings.provider,
    url: `${settings.baseUrl}/embeddings`,
    headers: { authorization: settings.apiKey === undefined ? undefined : `Bearer ${settings.apiKey}` },
    body,
    dispatcher: settings.dispatcher,
    abortSignal: options.abortSignal,
    timeouts: settings.timeouts,
  });
  const response = parseResponseBody({ value, schema: openAIEmbeddingsResponseSchema, provider: settings.provider });
  const ordered = [...response.data].sort((a, b) => a.index - b.index);
  if (ordered.length !== options.values.length || ordered.some((item, position) => item.index !== position)) {
    throw unreadable(settings.provider, value);
  }
  return {
    embeddings: ordered.map((item) => item.embedding),
    inputTokens: response.usage?.prompt_tokens ?? undefined,
    ...(response.model === null || response.model === undefined ? {} : { modelId: response.model }),
  };
}

/** A readable body whose vectors do not match the inputs: as unusable as an unreadable one, and retryable. */
function unreadable(provider: string, value: unknown): GatewayError {
  return new GatewayError("provider_unavailable", `Provider ${provider} sent a vector count that does not match the inputs`, {
    retryable: true,
    metadata: { provider_name: provider, raw: JSON.stringify(value).slice(0, 500) },
  });
}
