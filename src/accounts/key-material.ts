import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API key material. A key is `sk-gw-` followed by 32 random bytes in base62 (43 characters), so it carries
 * 256 bits of entropy and is safe in URLs and shells. Only its SHA-256 (hex) is stored; the hash doubles as the
 * key's public id, as OpenRouter's `hash` does. A fast hash is right here (unlike for passwords): the input
 * is uniformly random, so there is nothing to brute-force.
 */

export const API_KEY_PREFIX = "sk-gw-";
const KEY_BYTES = 32;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** ceil(256 / log2(62)): every 32-byte value fits in 43 base62 digits. */
const ENCODED_LENGTH = 43;

/** Encodes bytes as fixed-width base62. */
export function toBase62(bytes: Uint8Array, width: number = ENCODED_LENGTH): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = "";
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(width, "0");
}

/** A new random API key (plaintext). Shown to its owner once, never stored. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${toBase62(randomBytes(KEY_BYTES))}`;
}

/** The stored form and public id of a key: lowercase SHA-256 hex of the plaintext. */
export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}

/** A label safe to show: the prefix, the first and the last three characters (`sk-gw-a1B...xY9`). */
export function maskApiKey(plaintext: string): string {
  const prefixMatch = /^(sk-(?:[a-z0-9]+-)*)/.exec(plaintext);
  const prefix = prefixMatch?.[1] ?? "";
  const body = plaintext.slice(prefix.length);
  if (body.length < 10) return `${prefix}...`;
  return `${prefix}${body.slice(0, 3)}...${body.slice(-3)}`;
}

/** Compares two hex hashes in constant time (a timing side channel must not reveal a management key). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** Whether a string looks like a stored key hash (64 lowercase hex characters). */
export function isKeyHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
