import { request, type Dispatcher } from "undici";
import { upstreamConnectionError, upstreamHttpError } from "./upstream-error.js";

/** One POST to an upstream API. */
export interface UpstreamRequest {
  /** Provider slug, for error messages and metadata. */
  provider: string;
  url: string;
  /** Headers to send; entries that are `undefined` are left out (e.g. no key for a local server). */
  headers: Record<string, string | undefined>;
  /** Serialised as JSON. */
  body: unknown;
  dispatcher: Dispatcher;
  /** Aborting it aborts the HTTP request, and the body while it is being read. */
  abortSignal?: AbortSignal;
  /** Per-request overrides of the dispatcher's timeouts. */
  timeouts?: { headersMs: number; bodyMs: number };
}

function definedHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

/**
 * Sends the request and returns the response once its status is known to be 2xx. A non-2xx status (body
 * read and classified) or a connection failure is thrown as a GatewayError. The caller owns the body.
 */
export async function sendUpstreamRequest(input: UpstreamRequest, accept: string): Promise<Dispatcher.ResponseData> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(input.url, {
      method: "POST",
      dispatcher: input.dispatcher,
      headers: { "content-type": "application/json", accept, ...definedHeaders(input.headers) },
      body: JSON.stringify(input.body),
      signal: input.abortSignal,
      headersTimeout: input.timeouts?.headersMs,
      bodyTimeout: input.timeouts?.bodyMs,
    });
  } catch (error) {
    throw upstreamConnectionError(input.provider, error);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  let text = "";
  try {
    text = await response.body.text();
  } catch {
    // The status alone classifies the failure; the body is a nicety.
  }
  throw upstreamHttpError({ provider: input.provider, status: response.statusCode, body: text, headers: response.headers });
}
