import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { StartupError } from "../core/errors.js";

/** The stored form's version tag: `v1:<iv>:<tag>:<ciphertext>`, each part base64url. */
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Encrypts and decrypts BYOK provider keys with AES-256-GCM. Each value gets a fresh 96-bit IV; the
 * associated data (`context`, the account id and provider) binds a ciphertext to its row, so a value copied
 * to another account or provider fails authentication instead of decrypting.
 */
export interface KeyCipher {
  encrypt(plaintext: string, context: string): string;
  /** Throws when the value was altered, belongs to another context, or was made under another key. */
  decrypt(stored: string, context: string): string;
}

/**
 * Reads ENCRYPTION_KEY: 32 bytes as 64 hexadecimal characters (`openssl rand -hex 32`) or as base64
 * (`openssl rand -base64 32`). Anything else stops the start with a message that says how to make one,
 * rather than running with a weak or truncated secret.
 */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed, "base64")
      : undefined;
  if (bytes?.length !== KEY_BYTES) {
    throw new StartupError("ENCRYPTION_KEY must be 32 bytes, written as 64 hex characters (openssl rand -hex 32) or base64 (openssl rand -base64 32)");
  }
  return bytes;
}

/** A cipher under a 32-byte key (see `parseEncryptionKey`). */
export function createKeyCipher(key: Buffer): KeyCipher {
  if (key.length !== KEY_BYTES) throw new RangeError("AES-256-GCM needs a 32-byte key");
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(":");
    },
    decrypt(stored, context) {
      const [version, iv, tag, ciphertext] = stored.split(":");
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) throw new Error("Not an encrypted BYOK key");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** The associated data of one row: the account and the provider the key belongs to. */
export function cipherContext(accountId: string, providerSlug: string): string {
  return `byok:${accountId}:${providerSlug}`;
}
