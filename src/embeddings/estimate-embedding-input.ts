import type { EmbeddingValue } from "../core/embedding.js";
import type { PromptEstimate } from "../completions/estimate-prompt.js";

/** Tokens an embedding model adds around one input (beginning and end of sequence, a task prefix). */
const INPUT_OVERHEAD_BOUND = 8;
/** About 3 characters a token: what an input is billed when the provider reports no count. */
const CHARACTERS_PER_LIKELY_TOKEN = 3;

/**
 * One input's upper bound: a token array is exactly its length; a text is at most one token per UTF-8 byte
 * (byte-level BPE and SentencePiece with byte fallback never emit a token for less), measured after NFKC too
 * when that is longer, plus the model's own markers. Capped by the endpoint's context, past which no provider
 * embeds (or bills).
 */
function inputBound(value: EmbeddingValue, contextLength: number): number {
  if (typeof value !== "string") return Math.min(value.length, contextLength);
  const bytes = Buffer.byteLength(value, "utf8");
  // eslint-disable-next-line no-control-regex -- ASCII text needs no normalisation
  const normalised = /^[\x00-\x7f]*$/.test(value) ? bytes : Math.max(bytes, Buffer.byteLength(value.normalize("NFKC"), "utf8"));
  return Math.min(normalised + INPUT_OVERHEAD_BOUND, contextLength);
}

function likelyTokens(value: EmbeddingValue): number {
  return typeof value === "string" ? Math.max(1, Math.ceil(value.length / CHARACTERS_PER_LIKELY_TOKEN)) : value.length;
}

/**
 * The inputs' size before the request runs, as the chat pipeline's `PromptEstimate`: the bound sizes the hold,
 * the likely count bills an answer whose provider reported no usage (Gemini's batchEmbedContents reports none).
 */
export function estimateEmbeddingInput(values: readonly EmbeddingValue[], contextLength: number): PromptEstimate {
  let tokens = 0;
  let tokenBound = 0;
  for (const value of values) {
    tokens += Math.min(likelyTokens(value), contextLength);
    tokenBound += inputBound(value, contextLength);
  }
  return { tokens, tokenBound, images: 0 };
}
