import type { Percentiles } from "./log-histogram.js";

/**
 * How one upstream attempt went, as health counts it. `failure` is the endpoint's fault (5xx, a timeout, a
 * connection error, a stream dropped or unreadable); `neutral` is not counted in uptime (a 4xx caused by the
 * request, or a rate limit, which OpenRouter also leaves out of uptime).
 */
export interface AttemptOutcome {
  endpointId: number;
  result: "success" | "failure" | "neutral";
  /** Unix ms when the attempt ended. */
  at: number;
  /** Time to first token, ms (successes only). */
  timeToFirstTokenMs?: number;
  /** Output tokens per second after the first token (successes with output only). */
  tokensPerSecond?: number;
}

/** The figures of `GET /models/{author}/{slug}/endpoints` and GraphQL `Endpoint.stats`; null without traffic. */
export interface EndpointStats {
  /** Percentages, successes / (successes + failures) × 100. */
  uptimeLast5m: number | null;
  uptimeLast30m: number | null;
  uptimeLast1d: number | null;
  /** Time to first token, ms. */
  latencyLast30m: Percentiles | null;
  /** Output tokens per second after the first token. */
  throughputLast30m: Percentiles | null;
}

/** Attempts and failures in the last 30 seconds: what load balancing and the breaker look at. */
export interface RecentHealth {
  attempts: number;
  failures: number;
}

/**
 * Live endpoint health from real traffic. Recording is in memory only (no I/O on the hot path); the Redis
 * implementation merges every instance's counts in the background.
 */
export interface EndpointHealth {
  record(outcome: AttemptOutcome): void;
  recent(endpointId: number, now: number): RecentHealth;
  stats(endpointId: number, now: number): EndpointStats;
  /** Pushes this instance's counts and pulls everyone's now (Redis; a no-op in process). */
  sync(): Promise<void>;
  close(): Promise<void>;
}
