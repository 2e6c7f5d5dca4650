import type { z } from "zod";
import { GatewayError } from "../../core/index.js";

/** A parsed chunk, or the error part-to-be that replaces a malformed one. */
export type ParseChunkResult<T> = { success: true; value: T } | { success: false; error: GatewayError };

/**
 * Parses one streamed chunk's JSON text with a (lenient) zod schema. A malformed chunk becomes a result
 * holding a GatewayError the stream transform turns into an `error` part, never a crash.
 */
export function parseJsonChunk<T>(input: { text: string; schema: z.ZodType<T>; provider: string }): ParseChunkResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(input.text);
  } catch (cause) {
    return { success: false, error: malformed(input.provider, input.text, cause) };
  }
  const result = input.schema.safeParse(json);
  return result.success ? { success: true, value: result.data } : { success: false, error: malformed(input.provider, input.text, result.error) };
}

/**
 * Validates a whole (non-streamed) response body with a zod schema, throwing a retryable
 * `provider_unavailable` GatewayError when it does not fit: a broken answer from one endpoint is worth
 * trying on another.
 */
export function parseResponseBody<T>(input: { value: unknown; schema: z.ZodType<T>; provider: string }): T {
  const result = input.schema.safeParse(input.value);
  if (result.success) return result.data;
  throw new GatewayError("provider_unavailable", `Provider ${input.provider} sent a response the gateway could not read`, {
    retryable: true,
    metadata: { provider_name: input.provider, raw: JSON.stringify(input.value)?.slice(0, 500) },
    cause: result.error,
  });
}

function malformed(provider: string, text: string, cause: unknown): GatewayError {
  return new GatewayError("provider_unavailable", `Provider ${provider} sent a malformed stream chunk`, {
    retryable: false,
    metadata: { provider_name: provider, raw: text.slice(0, 500) },
    cause,
  });
}
