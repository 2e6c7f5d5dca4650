import type { ErrorKind, GatewayError } from "../../core/errors.js";
import { toGatewayError } from "../../core/errors.js";

/** Anthropic's error `type` vocabulary. https://docs.claude.com/en/api/errors */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

/**
 * Each gateway error kind as Anthropic names it. The HTTP status stays the kind's own (OpenRouter's table), so
 * the Anthropic SDK picks its error class by status exactly as for api.anthropic.com; `type` tells the rest.
 */
const ANTHROPIC_ERROR_TYPES: Record<ErrorKind, AnthropicErrorType> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  payment_required: "billing_error",
  permission_denied: "permission_error",
  not_found: "not_found_error",
  timeout: "timeout_error",
  payload_too_large: "request_too_large",
  uri_too_long: "invalid_request_error",
  unsupported_media_type: "invalid_request_error",
  rate_limit_exceeded: "rate_limit_error",
  headers_too_large: "invalid_request_error",
  server: "api_error",
  provider_unavailable: "api_error",
  provider_overloaded: "overloaded_error",
  no_provider: "overloaded_error",
};

/** The `error` object of Anthropic's error body and of a mid-stream `error` event, with OpenRouter's `error_type`. */
export interface AnthropicErrorObject {
  type: AnthropicErrorType;
  message: string;
  /** OpenRouter's format-independent error type (its `ApiErrorType`). */
  error_type: ErrorKind;
}

/** The `error` object for any error; internal errors are masked as "Internal server error". */
export function anthropicErrorObject(error: unknown): AnthropicErrorObject {
  const gatewayError = toGatewayError(error);
  return { type: ANTHROPIC_ERROR_TYPES[gatewayError.kind], message: gatewayError.message, error_type: gatewayError.kind };
}

/**
 * Anthropic's error body, `{"type":"error","error":{"type","message"},"request_id"}`, with the facts OpenRouter's
 * envelope carries in `metadata` (the field at fault, the provider's code, earlier attempts).
 * https://docs.claude.com/en/api/errors#error-shapes
 */
export function toAnthropicErrorBody(error: GatewayError): Record<string, unknown> {
  const body: Record<string, unknown> = { type: "error", error: anthropicErrorObject(error), request_id: null };
  if (error.metadata !== undefined && Object.keys(error.metadata).length > 0) body.metadata = error.metadata;
  return body;
}
