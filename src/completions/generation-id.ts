import { randomFillSync } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SUFFIX_LENGTH = 20;

/** Random bytes are drawn 4 KiB at a time: one call into the CSPRNG per 200 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** OpenRouter's generation id shape: `gen-<unix seconds>-<20 random characters>`. */
export function newGenerationId(now: number = Date.now()): string {
  if (poolOffset + SUFFIX_LENGTH > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let suffix = "";
  for (let index = poolOffset; index < poolOffset + SUFFIX_LENGTH; index += 1) suffix += ALPHABET[(pool[index] as number) % ALPHABET.length];
  poolOffset += SUFFIX_LENGTH;
  return `gen-${Math.floor(now / 1000)}-${suffix}`;
}
