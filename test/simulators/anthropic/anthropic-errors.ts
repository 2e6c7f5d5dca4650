import type { ServerResponse } from "node:http";

/**
 * Anthropic's error types by HTTP status, as the API documents them
 * (https://docs.claude.com/en/api/errors). Unlisted 4xx use `invalid_request_error` ("may also use this error
 * type for other 4XX status codes not listed"), unlisted 5xx `api_error`.
 */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function errorTypeForStatus(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The error body: `{type:"error", error:{type, message}, request_id}`. */
export function errorBody(type: string, message: string, requestId: string | null): string {
  return JSON.stringify({ type: "error", error: { type, message }, request_id: requestId });
}

/** Answers with an error in Anthropic's shape and status; a 429 carries `retry-after` as the real API does. */
export function writeErrorResponse(response: ServerResponse, options: { status: number; message: string; requestId: string }): void {
  const headers: Record<string, string> = { "content-type": "application/json", "request-id": options.requestId };
  if (options.status === 429) headers["retry-after"] = "1";
  response.writeHead(options.status, headers);
  response.end(errorBody(errorTypeForStatus(options.status), options.message, options.requestId));
}
