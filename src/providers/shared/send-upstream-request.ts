import type { Dispatcher } from "undici";
import { upstreamConnectionError, upstreamHttpError } from "./upstream-error.js";
import { BoundedMap } from "../../cache/bounded-map.js";

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

/** The most distinct upstream URLs whose origin and path are kept (there is about one per provider and model). */
const MAX_SPLIT_URLS = 1000;
const splitUrls = new BoundedMap<string, { origin: string; path: string }>(MAX_SPLIT_URLS);

/**
 * A URL's origin and path (with query), as undici's dispatchers take them. Parsing a URL costs more than the
 * rest of building a request, and the same few URLs come back on every call, so each is parsed once.
 */
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    splitUrls.set(url, split);
  }
  return split;
}

function requestHeaders(accept: string, headers: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = { "content-type": "application/json", accept };
  for (const name in headers) {
    const value = headers[name];
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
    const { origin, path } = splitUrl(input.url);
    response = await input.dispatcher.request({
      origin,
      path,
      method: "POST",
      headers: requestHeaders(accept, input.headers),
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
