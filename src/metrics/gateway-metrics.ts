import type { NewGenerationRow } from "../db/schema/index.js";

/** Why a request was refused before any upstream was called, as counted by `gateway_refusals_total`. */
export type RefusalReason = "rate_limit" | "payment_required";

/**
 * What the gateway reports about itself, stated as a port so the code that observes (the HTTP hooks, the
 * completion pipeline, the WebSocket server) does not depend on prom-client. `createPrometheusMetrics` is the
 * real implementation; `noMetrics` is the in-process one for code built without a registry (unit tests).
 *
 * Every label a method sets is bounded: routes are Fastify's patterns, models and providers are the catalog's,
 * statuses are HTTP codes. Nothing per key, per account or per generation becomes a label.
 */
export interface GatewayMetrics {
  /**
   * One HTTP request answered. `route` is the route pattern ("" when no route matched); `model` and `provider`
   * are what served a completion ("" otherwise); `upstreamMs` is the serving attempt's time, when there was one,
   * so that `totalMs - upstreamMs` is the gateway's own overhead. Positional on purpose: this runs once per
   * request and takes no object.
   */
  observeHttpRequest(route: string, status: number, totalMs: number, served: { model?: string; provider?: string; upstreamMs?: number }): void;
  /**
   * One generation settled (REST or GraphQL, streamed or not): its tokens and exact cost, from the record
   * written for it, and for a stream the upstream's time to first token.
   */
  observeGeneration(row: NewGenerationRow, timeToFirstTokenMs: number | undefined): void;
  /** A request refused by a rate limit (429) or for lack of funds (402). */
  countRefusal(reason: RefusalReason): void;
  /** A server-sent-event stream started; call `streamClosed` once when it ends, however it ends. */
  streamOpened(): void;
  streamClosed(): void;
  /** A GraphQL subscription started over the WebSocket; `subscriptionClosed` once when it ends. */
  subscriptionOpened(): void;
  subscriptionClosed(): void;
}

/** Metrics that go nowhere, for services built without a registry. */
export const noMetrics: GatewayMetrics = {
  observeHttpRequest() {},
  observeGeneration() {},
  countRefusal() {},
  streamOpened() {},
  streamClosed() {},
  subscriptionOpened() {},
  subscriptionClosed() {},
};
