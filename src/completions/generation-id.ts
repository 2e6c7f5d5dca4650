import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** OpenRouter's generation id shape: `gen-<unix seconds>-<20 random characters>`. */
export function newGenerationId(now: number = Date.now()): string {
  const bytes = randomBytes(20);
  let suffix = "";
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `gen-${Math.floor(now / 1000)}-${suffix}`;
}
