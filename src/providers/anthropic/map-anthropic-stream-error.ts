import { GatewayError, type ErrorKind } from "../../core/index.js";

/**
 * Anthropic's `error.type` → our error kind and whether another attempt may succeed, for the `error` event
 * that can arrive after a 200 (an HTTP error status is classified by its status in the shared
 * `upstreamHttpError`). Mid-stream failures are almost always `overloaded_error`.
 * https://docs.claude.com/en/api/errors#http-errors and https://docs.claude.com/en/docs/build-with-claude/streaming#error-events
 */
const ERROR_TYPES: Record<string, { kind: ErrorKind; retryable: boolean }> = {
  overloaded_error: { kind: "provider_overloaded", retryable: true },
  rate_limit_error: { kind: "rate_limit_exceeded", retryable: true },
  api_error: { kind: "provider_unavailable", retryable: true },
  timeout_error: { kind: "timeout", retryable: true },
  // Our own credentials or account at Anthropic: the caller did nothing wrong.
  authentication_error: { kind: "provider_unavailable", retryable: true },
  permission_error: { kind: "provider_unavailable", retryable: true },
  billing_error: { kind: "provider_unavailable", retryable: true },
  not_found_error: { kind: "provider_unavailable", retryable: true },
  invalid_request_error: { kind: "invalid_request", retryable: false },
  request_too_large: { kind: "payload_too_large", retryable: false },
};

/** The GatewayError for an Anthropic `error` event; unknown types count as a retryable upstream failure. */
export function anthropicStreamError(input: { provider: string; type: string | null | undefined; message: string | null | undefined }): GatewayError {
  const type = input.type ?? "unknown_error";
  const { kind, retryable } = ERROR_TYPES[type] ?? { kind: "provider_unavailable", retryable: true };
  const detail = input.message ?? type;
  return new GatewayError(kind, `Provider ${input.provider} failed mid-stream: ${detail}`, {
    retryable,
    metadata: { provider_name: input.provider, provider_code: type, raw: detail },
  });
}
