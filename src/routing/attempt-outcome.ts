import type { GatewayError } from "../core/errors.js";

/**
 * How a failed attempt counts for the endpoint's health: 5xx, timeouts, connection errors and unreadable or
 * dropped answers are the endpoint's failures; a rate limit (429) and errors caused by the request (other 4xx)
 * are not counted in uptime, as OpenRouter leaves rate-limited requests out of it. A 429 with Retry-After also
 * says how long to rest the endpoint.
 */
export function classifyAttemptError(error: GatewayError, now: number): { result: "failure" | "neutral"; restUntil?: number } {
  switch (error.kind) {
    case "server":
    case "provider_unavailable":
    case "provider_overloaded":
    case "timeout":
    case "no_provider":
      return { result: "failure" };
    case "rate_limit_exceeded": {
      const restUntil = retryAfterUntil(error.headers?.["Retry-After"], now);
      return restUntil === undefined ? { result: "neutral" } : { result: "neutral", restUntil };
    }
    default:
      return { result: "neutral" };
  }
}

/** Retry-After as seconds or an HTTP date, to Unix ms; undefined when absent or unreadable. */
export function retryAfterUntil(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}
