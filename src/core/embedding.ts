/**
 * The embedding side of the provider interface: what the gateway asks a provider to embed and what comes
 * back, independent of any wire format.
 */

/** One value to embed: a text, or a text already tokenized (token ids of the model's tokenizer). */
export type EmbeddingValue = string | number[];

export interface EmbedOptions {
  /** The inputs in order; the answer has one vector per input, in the same order. */
  values: EmbeddingValue[];
  /** The vector length asked for (models that can shorten their vectors: OpenAI's v3, Gemini's). */
  dimensions?: number;
  abortSignal?: AbortSignal;
}

export interface EmbedResult {
  /** One vector per input, in input order. */
  embeddings: number[][];
  /** Input tokens the provider counted; undefined when it reports none (the gateway's estimate bills then). */
  inputTokens: number | undefined;
  /** The model the upstream says answered. */
  modelId?: string;
}
