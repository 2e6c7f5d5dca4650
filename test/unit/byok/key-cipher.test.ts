import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cipherContext, createKeyCipher, parseEncryptionKey } from "../../../src/byok/key-cipher.js";
import { StartupError } from "../../../src/core/errors.js";

const SECRET = "sk-proj-own-key-0123456789abcdefghijklmnop";
const HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("the BYOK key cipher (AES-256-GCM)", () => {
  const cipher = createKeyCipher(parseEncryptionKey(HEX_KEY));
  const context = cipherContext("8d5e1c3a-0000-4000-8000-000000000001", "openai");

  it("decrypts what it encrypted, and the stored form holds no part of the key", () => {
    const stored = cipher.encrypt(SECRET, context);
    expect(stored).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(SECRET.slice(8, 20));
    expect(cipher.decrypt(stored, context)).toBe(SECRET);
  });

  it("uses a fresh IV each time, so the same key never encrypts the same way twice", () => {
    expect(cipher.encrypt(SECRET, context)).not.toBe(cipher.encrypt(SECRET, context));
  });

  it("refuses a value of another account or provider, an altered value, and another server secret", () => {
    const stored = cipher.encrypt(SECRET, context);
    expect(() => cipher.decrypt(stored, cipherContext("8d5e1c3a-0000-4000-8000-000000000002", "openai"))).toThrow();
    expect(() => cipher.decrypt(stored, cipherContext("8d5e1c3a-0000-4000-8000-000000000001", "anthropic"))).toThrow();
    const [version, iv, tag, body = ""] = stored.split(":");
    const flipped = `${body.slice(0, -2)}${body.endsWith("A") ? "B" : "A"}${body.slice(-1)}`;
    expect(() => cipher.decrypt([version, iv, tag, flipped].join(":"), context)).toThrow();
    expect(() => createKeyCipher(randomBytes(32)).decrypt(stored, context)).toThrow();
    expect(() => cipher.decrypt("plain-text", context)).toThrow();
  });

  it("reads ENCRYPTION_KEY as 64 hex characters or base64 of 32 bytes, and stops the start otherwise", () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString("hex")).equals(bytes)).toBe(true);
    expect(parseEncryptionKey(bytes.toString("base64")).equals(bytes)).toBe(true);
    for (const bad of ["", "short", HEX_KEY.slice(2), randomBytes(16).toString("base64"), `${HEX_KEY}00`]) {
      expect(() => parseEncryptionKey(bad)).toThrow(StartupError);
    }
  });
});
