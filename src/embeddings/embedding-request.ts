import type { ProviderPreferences } from "../completions/chat-request.js";
import type { EmbeddingValue } from "../core/embedding.js";

/** How the caller wants the vectors: JSON numbers, or base64 of little-endian float32s (OpenAI's `base64`). */
export type EmbeddingEncoding = "float" | "base64";

/**
 * An embeddings request after parsing, whichever face it came through (REST body or GraphQL input): routing,
 * billing, adapters and the generation record work from this.
 */
export interface EmbeddingRequest {
  /** The requested model ids in fallback order: `model` first, then `models`. */
  models: string[];
  values: EmbeddingValue[];
  dimensions?: number;
  encodingFormat: EmbeddingEncoding;
  provider: ProviderPreferences;
  /** The end-user id (`user`), recorded on the generation. */
  user?: string;
}
