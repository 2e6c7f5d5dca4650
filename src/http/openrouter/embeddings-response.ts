import { toUsdNumber } from "../../billing/money.js";
import type { EmbeddingEncoding } from "../../embeddings/embedding-request.js";
import type { EmbeddingResult } from "../../embeddings/embedding-service.js";

/**
 * One vector as OpenAI sends it: JSON numbers, or for `base64` the vector's float32 values in little-endian
 * byte order, base64-encoded (what the `openai` SDK decodes into a Float32Array).
 */
export function encodeEmbedding(vector: readonly number[], encoding: EmbeddingEncoding): number[] | string {
  if (encoding === "float") return [...vector];
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

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
