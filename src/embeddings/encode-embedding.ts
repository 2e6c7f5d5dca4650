import type { EmbeddingEncoding } from "./embedding-request.js";

/**
 * One vector as OpenAI sends it: JSON numbers, or for `base64` the vector's float32 values in little-endian
 * byte order, base64-encoded (what the `openai` SDK decodes into a Float32Array). Shared by REST and GraphQL.
 */
export function encodeEmbedding(vector: readonly number[], encoding: EmbeddingEncoding): number[] | string {
  if (encoding === "float") return [...vector];
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}
