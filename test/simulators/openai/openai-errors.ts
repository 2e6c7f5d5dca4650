import type { ServerResponse } from "node:http";

/** OpenAI's error object; all four keys are always present (`param` and `code` may be null). */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/**
 * Error `type` and `code` by HTTP status as OpenAI sends them
 * (https://platform.openai.com/docs/guides/error-codes, https://help.openai.com/en/articles/6891839).
 */
const ERRORS_BY_STATUS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: "engine_overloaded" },
};

export function openAIError(status: number, message: string, param: string | null = null, code?: string | null): OpenAIErrorObject {
  const known = ERRORS_BY_STATUS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
  return { message, type: known.type, param, code: code === undefined ? known.code : code };
}

/**
 * Answers with `{error:{message,type,param,code}}` and OpenAI's headers; a 429 carries `retry-after` and
 * `retry-after-ms` as the real API does.
 */
export function sendOpenAIError(response: ServerResponse, options: { status: number; error: OpenAIErrorObject; requestId: string }): void {
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": options.requestId };
  if (options.status === 429) {
    headers["retry-after"] = "1";
    headers["retry-after-ms"] = "1000";
    headers["x-ratelimit-remaining-requests"] = "0";
  }
  response.writeHead(options.status, headers);
  response.end(JSON.stringify({ error: options.error }));
}

/** What OpenAI sends inside a 200 stream when it fails after starting. */
export const MID_STREAM_ERROR: OpenAIErrorObject = {
  message: "The server had an error while processing your request. Sorry about that!",
  type: "server_error",
  param: null,
  code: null,
};
