import { z } from "zod";
import { GatewayError, type EmbedOptions, type EmbedResult } from "../../core/index.js";
import { parseResponseBody } from "../shared/parse-json-chunk.js";
import { postJson } from "../shared/post-json.js";
import type { ProviderSettings } from "../shared/provider-settings.js";
import { refineGeminiError } from "./gemini-errors.js";

/** https://ai.google.dev/api/embeddings#method:-models.batchembedcontents (response body) */
const geminiBatchEmbedResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

/**
 * Gemini's `models/{model}:batchEmbedContents`: one request per input, each a text part. Gemini takes no token
 * ids, so token arrays are refused before any call (a 400 on the caller's request, not the provider's).
 * `dimensions` becomes `outputDimensionality`. Gemini reports no token count here; the gateway's estimate
 * bills the inputs then.
 */
export async function createGeminiEmbeddings(settings: ProviderSettings, modelPath: string, options: EmbedOptions): Promise<EmbedResult> {
  const texts = options.values.map((value) => {
    if (typeof value !== "string") {
      throw new GatewayError("invalid_request", "This model takes text only: token arrays cannot be embedded by Google's embedding models", {
        metadata: { provider_name: settings.provider },
      });
    }
    return value;
  });
  const body = {
    requests: texts.map((text) => ({
      model: `models/${modelPath}`,
      content: { parts: [{ text }] },
      ...(options.dimensions === undefined ? {} : { outputDimensionality: options.dimensions }),
    })),
  };
  let value: unknown;
  try {
    value = await postJson({
      provider: settings.provider,
      url: `${settings.baseUrl}/models/${encodeURIComponent(modelPath)}:batchEmbedContents`,
      headers: { "x-goog-api-key": settings.apiKey },
      body,
      dispatcher: settings.dispatcher,
      abortSignal: options.abortSignal,
      timeouts: settings.timeouts,
    });
  } catch (error) {
    throw refineGeminiError(settings.provider, error);
  }
  const response = parseResponseBody({ value, schema: geminiBatchEmbedResponseSchema, provider: settings.provider });
  if (response.embeddings.length !== texts.length) {
    throw new GatewayError("provider_unavailable", `Provider ${settings.provider} sent a vector count that does not match the inputs`, {
      retryable: true,
      metadata: { provider_name: settings.provider },
    });
  }
  return { embeddings: response.embeddings.map((item) => item.values), inputTokens: undefined };
}
