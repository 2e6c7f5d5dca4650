import { Agent } from "undici";

/** Timeouts and pool size of the upstream agent. Every field is optional; defaults suit LLM APIs. */
export interface UpstreamDispatcherOptions {
  /** Time to open a TCP/TLS connection. */
  connectTimeoutMs?: number;
  /**
   * Time until the response headers arrive. Non-streamed answers send headers only once the whole answer is
   * generated, so this is long by default.
   */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks (a stalled stream). */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive socket stays open for the next request. */
  keepAliveTimeoutMs?: number;
  /** Most sockets per upstream origin; `undefined` means unlimited. */
  connectionsPerOrigin?: number;
}

/** Defaults for `createUpstreamDispatcher`, exported so configuration can document and override them. */
export const DEFAULT_UPSTREAM_TIMEOUTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 300_000,
  bodyTimeoutMs: 120_000,
  keepAliveTimeoutMs: 30_000,
} as const;

/**
 * The one HTTP agent every adapter sends through: keep-alive sockets pooled per origin so a request to an
 * upstream rarely pays for a new TLS handshake, with connect, header and body timeouts so a dead or stalled
 * upstream turns into a retryable error instead of a hung request. Created once by the composition root and
 * injected (never a module-level singleton), so tests can use their own.
 */
export function createUpstreamDispatcher(options: UpstreamDispatcherOptions = {}): Agent {
  return new Agent({
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUTS.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUTS.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUTS.bodyTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUTS.keepAliveTimeoutMs,
    keepAliveMaxTimeout: 10 * 60_000,
    connections: options.connectionsPerOrigin ?? null,
    pipelining: 1,
  });
}
