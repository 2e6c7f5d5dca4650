import { createHash } from "node:crypto";

/** Vector length when the request names none (OpenAI's text-embedding-3-small has 1,536; a smaller default keeps tests light). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 256;
/** The most `dimensions` the simulators accept (text-embedding-3-large's 3,072). */
export const MAX_EMBEDDING_DIMENSIONS = 3072;

/**
 * A deterministic unit vector for one input: sha256 of the input (and the model) stretched to `dimensions`
 * values in [-1, 1], normalised, and rounded to float32 so that base64 (float32) and JSON carry the same numbers.
 * Equal inputs give equal vectors; different inputs, different ones.
 */
export function simulatedEmbedding(input: string | readonly number[], model: string, dimensions: number): number[] {
  const seed = typeof input === "string" ? `t:${input}` : `k:${input.join(",")}`;
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block += 1) {
    const digest = createHash("sha256").update(`${model}\u0000${seed}\u0000${block}`).digest();
    for (let offset = 0; offset + 2 <= digest.length && raw.length < dimensions; offset += 2) raw.push(digest.readUInt16BE(offset) / 32767.5 - 1);
  }
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** The simulators' token count of one input: a token array's length; for a text, one token per 4 UTF-8 bytes, at least 1. */
export function simulatedInputTokens(input: string | readonly number[]): number {
  return typeof input === "string" ? Math.max(1, Math.ceil(Buffer.byteLength(input, "utf8") / 4)) : input.length;
}

/** The `[[error:NNN]]` directive of any text input: the upstream refuses with that status, as for chat. */
export function embeddingErrorStatus(inputs: ReadonlyArray<string | readonly number[]>): number | undefined {
  for (const input of inputs) {
    if (typeof input !== "string") continue;
    const match = /\[\[error:(\d{3})\]\]/.exec(input);
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}
