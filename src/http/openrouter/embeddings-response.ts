import { toUsdNumber } from "../../billing/money.js";
import type { EmbeddingEncoding } from "../../embeddings/embedding-request.js";
import type { EmbeddingResult } from "../../embeddings/embedding-service.js";
import { encodeEmbedding } from "../../embeddings/encode-embedding.js";

/** The body of `POST /api/v1/embeddings`: OpenAI's list of embeddings with OpenRouter's `id`, `provider` and `usage.cost`. */
export function embeddingsBody(result: EmbeddingResult, encoding: EmbeddingEncoding): Record<string, unknown> {
  return {
    id: result.generationId,
    object: "list",
    data: result.embeddings.map((vector, index) => ({ object: "embedding", embedding: encodeEmbedding(vector, encoding), index })),
    model: result.model,
    provider: result.providerName,
    usage: {
      prompt_tokens: result.tokens.prompt,
      total_tokens: result.tokens.prompt,
      cost: toUsdNumber(result.cost),
      is_byok: false,
      cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: toUsdNumber(result.costParts.prompt), upstream_inference_completions_cost: 0 },
    },
  };
}
