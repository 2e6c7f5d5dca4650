import type { ServerResponse } from "node:http";

/**
 * Google's error envelope (a `google.rpc.Status` as JSON), which every generativelanguage endpoint returns,
 * before a stream and inside one. Status names per HTTP code follow
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes.
 */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "RESOURCE_EXHAUSTED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The `google.rpc.Code` name Google sends with an HTTP status. */
export function statusNameFor(httpStatus: number): string {
  return STATUS_NAMES[httpStatus] ?? (httpStatus >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION");
}

/** Builds Google's error body; `details` carries ErrorInfo / RetryInfo entries when Google sends them. */
export function googleError(httpStatus: number, message: string, details?: unknown[]): GoogleErrorBody {
  return { error: { code: httpStatus, message, status: statusNameFor(httpStatus), ...(details === undefined ? {} : { details }) } };
}

/**
 * What Google puts in `details` for a status: a 429 carries a RetryInfo (the real API sends no Retry-After
 * header, only this), a bad key an ErrorInfo with reason `API_KEY_INVALID`.
 */
export function detailsFor(httpStatus: number): unknown[] | undefined {
  if (httpStatus === 429) {
    return [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests" }] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" },
    ];
  }
  return undefined;
}

/** The error a bad `x-goog-api-key` gets: 400 INVALID_ARGUMENT with reason API_KEY_INVALID (not 401). */
export function invalidApiKeyError(): GoogleErrorBody {
  return googleError(400, "API key not valid. Please pass a valid API key.", [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
  ]);
}

/** The error a request without any key gets: 403 PERMISSION_DENIED. */
export function missingApiKeyError(): GoogleErrorBody {
  return googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/** Sends an error body with its HTTP status, as Google does (`application/json; charset=UTF-8`). */
export function sendGoogleError(response: ServerResponse, body: GoogleErrorBody): void {
  response.writeHead(body.error.code, { "content-type": "application/json; charset=UTF-8" });
  response.end(JSON.stringify(body));
}
