import { z } from "zod";
import { GatewayError, type ErrorKind } from "../../core/index.js";

/** Response headers as undici gives them. */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/**
 * The error message inside the common upstream error bodies: OpenAI and Gemini `{error:{message}}`,
 * Anthropic `{type:"error", error:{type, message}}`, Mistral's unwrapped `{message}`, Gemini's occasional
 * one-element array, or `{error:"text"}` from small OpenAI-compatible servers.
 */
const errorBodySchema = z.object({
  error: z.union([z.object({ message: z.string().optional() }).loose(), z.string()]).optional(),
  message: z.string().optional(),
  detail: z.string().optional(),
});

/** Best-effort human message from an upstream error body; falls back to the (truncated) raw text. */
export function extractUpstreamErrorMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const trimmed = body.trim();
    return trimmed.length === 0 ? undefined : trimmed.slice(0, 500);
  }
  const candidate = Array.isArray(parsed) ? parsed[0] : parsed;
  const result = errorBodySchema.safeParse(candidate);
  if (!result.success) return body.slice(0, 500);
  const { error, message, detail } = result.data;
  if (typeof error === "string") return error;
  return error?.message ?? message ?? detail ?? body.slice(0, 500);
}

function headerValue(headers: UpstreamHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name] ?? headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After (seconds or HTTP date) and OpenAI's `retry-after-ms`, kept for our own error response. */
function retryHeaders(headers: UpstreamHeaders | undefined): Record<string, string> | undefined {
  const retryAfter = headerValue(headers, "retry-after");
  const retryAfterMs = headerValue(headers, "retry-after-ms");
  if (retryAfter !== undefined) return { "Retry-After": retryAfter };
  if (retryAfterMs !== undefined && Number.isFinite(Number(retryAfterMs))) {
    return { "Retry-After": String(Math.max(1, Math.ceil(Number(retryAfterMs) / 1000))) };
  }
  return undefined;
}

interface Classification {
  kind: ErrorKind;
  retryable: boolean;
  message: string;
  /** Whether the upstream's message may be shown to our caller. */
  exposeRaw: boolean;
}

function classify(provider: string, status: number, upstreamMessage: string | undefined): Classification {
  const detail = upstreamMessage === undefined ? "" : `: ${upstreamMessage}`;
  if (status === 429) {
    return { kind: "rate_limit_exceeded", retryable: true, message: `Provider ${provider} is rate limiting requests${detail}`, exposeRaw: true };
  }
  if (status === 503 || status === 529) {
    return { kind: "provider_overloaded", retryable: true, message: `Provider ${provider} is overloaded`, exposeRaw: true };
  }
  if (status >= 500) {
    return { kind: "provider_unavailable", retryable: true, message: `Provider ${provider} failed with status ${status}`, exposeRaw: true };
  }
  if (status === 401 || status === 403) {
    // Our own upstream credentials were refused: the caller did nothing wrong, another endpoint may work.
    // The upstream's text may quote part of our key, so it is kept as the cause only.
    return { kind: "provider_unavailable", retryable: true, message: `Provider ${provider} refused the gateway's credentials (status ${status})`, exposeRaw: false };
  }
  if (status === 408) {
    return { kind: "timeout", retryable: true, message: `Provider ${provider} timed out`, exposeRaw: true };
  }
  if (status === 402 || status === 404 || status === 409) {
    // Our account at the upstream is out of credit, the upstream no longer serves the model, or a transient
    // conflict: not the caller's fault, and another endpoint may serve the same model.
    return { kind: "provider_unavailable", retryable: true, message: `Provider ${provider} could not serve the request (status ${status})${detail}`, exposeRaw: true };
  }
  if (status === 413) {
    return { kind: "payload_too_large", retryable: false, message: `Provider ${provider} says the request is too large${detail}`, exposeRaw: true };
  }
  return { kind: "invalid_request", retryable: false, message: `Provider ${provider} rejected the request${detail}`, exposeRaw: true };
}

/**
 * Classifies an upstream HTTP failure (a non-2xx answer before any output) into a GatewayError whose
 * `retryable` tells the router whether to fail over: 429, 5xx, 401/403 (our key) and 402/404/408/409 are
 * retryable; 400 and other 4xx are the caller's request and are not. `metadata` carries `provider_name`,
 * `provider_code` (the upstream status) and `raw` (the upstream's message) as OpenRouter does; Retry-After
 * is passed on in `headers`.
 */
export function upstreamHttpError(input: {
  provider: string;
  status: number;
  /** The raw response body text. */
  body: string;
  headers?: UpstreamHeaders;
}): GatewayError {
  const upstreamMessage = extractUpstreamErrorMessage(input.body);
  const classification = classify(input.provider, input.status, upstreamMessage);
  const metadata: Record<string, unknown> = { provider_name: input.provider, provider_code: input.status };
  if (classification.exposeRaw && upstreamMessage !== undefined) metadata.raw = upstreamMessage;
  return new GatewayError(classification.kind, classification.message, {
    retryable: classification.retryable,
    metadata,
    headers: retryHeaders(input.headers),
    cause: classification.exposeRaw ? undefined : new Error(`${input.status} ${input.body.slice(0, 500)}`),
  });
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null) return undefined;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return errorCode((cause as { cause?: unknown }).cause);
}

/** True for the errors an aborted signal produces (DOMException AbortError, undici RequestAbortedError). */
export function isAbortError(cause: unknown): boolean {
  if (typeof cause !== "object" || cause === null) return false;
  const name = (cause as { name?: unknown }).name;
  return name === "AbortError" || errorCode(cause) === "UND_ERR_ABORTED";
}

/**
 * Classifies a failure to reach the upstream or to read its answer (refused connection, reset socket,
 * connect/header/body timeout) as a retryable GatewayError: `timeout` for timeouts, `provider_unavailable`
 * otherwise. An abort requested by our own caller is not the upstream's fault and is not retryable.
 * A GatewayError passes through unchanged.
 */
export function upstreamConnectionError(provider: string, cause: unknown): GatewayError {
  if (cause instanceof GatewayError) return cause;
  if (isAbortError(cause)) {
    return new GatewayError("timeout", `The request to provider ${provider} was aborted`, {
      retryable: false,
      metadata: { provider_name: provider, aborted: true },
      cause,
    });
  }
  const code = errorCode(cause);
  const metadata = { provider_name: provider, ...(code === undefined ? {} : { provider_code: code }) };
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new GatewayError("timeout", `Provider ${provider} did not answer in time`, { retryable: true, metadata, cause });
  }
  return new GatewayError("provider_unavailable", `Could not reach provider ${provider}`, { retryable: true, metadata, cause });
}
