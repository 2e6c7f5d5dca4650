import { createHash } from "node:crypto";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;

/**
 * Mistral refuses tool call ids that are not exactly nine letters or digits ("Tool call id was call_… but
 * must be a-z, A-Z, 0-9, with a length of 9"), so ids from other providers are rewritten. The rewrite is a
 * hash, so an assistant call and its later tool result get the same new id without any shared state.
 * https://docs.mistral.ai/capabilities/function_calling/
 */
export function toMistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash("sha256").update(id).digest();
  let result = "";
  for (let index = 0; index < 9; index += 1) result += ALPHANUMERIC[(digest[index] ?? 0) % ALPHANUMERIC.length];
  return result;
}
