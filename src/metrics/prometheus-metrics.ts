import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Amount } from "../billing/money.js";
import { formatUsd } from "../billing/money.js";
import { ExactUsdTotals } from "./exact-usd-totals.js";
import type { GatewayMetrics, RefusalReason } from "./gateway-metrics.js";

/** Request durations: from a cache hit's millisecond to a long generation's minutes. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** The gateway's own time per request is meant to stay in the sub-millisecond to millisecond range. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The Prometheus registry and the gateway's metrics on it. */
export interface PrometheusMetrics extends GatewayMetrics {
  readonly registry: Registry;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Empties the registry when the gateway stops, so nothing holds on to its collectors' state. */
  close(): void;
}

/**
 * prom-client metrics on a registry of their own (never the global one, so several gateways in one process,
 * as in tests, each count their own traffic), with Node.js process metrics. `reservationsHeld` is read on each
 * scrape only, so holding funds costs the hot path nothing.
 */
export function createPrometheusMetrics(options: { reservationsHeld: () => { count: number; amount: Amount } }): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestLabels = ["route", "model", "provider", "status"] as const;
  const requests = new Counter({ name: "gateway_http_requests_total", help: "HTTP requests answered, by route pattern, serving model and provider, and status.", labelNames: requestLabels, registers: [registry] });
  const durations = new Histogram({
    name: "gateway_http_request_duration_seconds",
    help: "Time from a request's arrival to its last byte, by route pattern, serving model and provider, and status.",
    labelNames: requestLabels,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const overhead = new Histogram({
    name: "gateway_overhead_seconds",
    help: "The gateway's own time per completion request: total time minus the serving upstream attempt's.",
    labelNames: ["route"],
    buckets: OVERHEAD_BUCKETS,
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: "gateway_upstream_time_to_first_token_seconds",
    help: "Streamed generations: from the serving upstream call's start to its first output.",
    labelNames: ["provider", "model"],
    buckets: FIRST_TOKEN_BUCKETS,
    registers: [registry],
  });
  const generations = new Counter({ name: "gateway_generations_total", help: "Generations settled, by model, provider and outcome (ok, error, cancelled).", labelNames: ["model", "provider", "outcome"], registers: [registry] });
  const tokens = new Counter({ name: "gateway_tokens_total", help: "Tokens billed, by model, provider and type (prompt, completion, reasoning, cached).", labelNames: ["model", "provider", "type"], registers: [registry] });
  const spend = new ExactUsdTotals();
  new Counter({
    name: "gateway_cost_usd_total",
    help: "USD charged for generations, by model and provider; summed exactly in ledger units, converted when scraped.",
    labelNames: ["model", "provider"],
    registers: [registry],
    collect() {
      this.reset();
      for (const total of spend.values()) this.inc({ model: total.model, provider: total.provider }, Number(formatUsd(total.units)));
    },
  });
  const refusals = new Counter({ name: "gateway_refusals_total", help: "Requests refused before an upstream call: rate_limit (429) or payment_required (402).", labelNames: ["reason"], registers: [registry] });
  for (const reason of ["rate_limit", "payment_required"] satisfies RefusalReason[]) refusals.inc({ reason }, 0);
  new Gauge({
    name: "gateway_reservations_held",
    help: "Reservations this instance holds for live work (requests in flight and credit leases).",
    registers: [registry],
    collect() {
      this.set(options.reservationsHeld().count);
    },
  });
  new Gauge({
    name: "gateway_reservations_held_usd",
    help: "USD held by this instance's reservations.",
    registers: [registry],
    collect() {
      this.set(Number(formatUsd(options.reservationsHeld().amount)));
    },
  });
  const openStreams = new Gauge({ name: "gateway_open_streams", help: "Server-sent-event completion streams open now.", registers: [registry] });
  const openSubscriptions = new Gauge({ name: "gateway_open_subscriptions", help: "GraphQL subscriptions open now over WebSockets.", registers: [registry] });

  return {
    registry,
    observeHttpRequest(route, status, totalMs, served) {
      const model = served.model ?? "";
      const provider = served.provider ?? "";
      const statusLabel = String(status);
      requests.labels(route, model, provider, statusLabel).inc();
      durations.labels(route, model, provider, statusLabel).observe(totalMs / 1000);
      if (served.upstreamMs !== undefined) overhead.labels(route).observe(Math.max(0, totalMs - served.upstreamMs) / 1000);
    },
    observeGeneration(row, timeToFirstTokenMs) {
      const provider = row.providerSlug ?? "";
      const outcome = row.cancelled === true ? "cancelled" : row.errorMessage === null || row.errorMessage === undefined ? "ok" : "error";
      generations.labels(row.model, provider, outcome).inc();
      tokens.labels(row.model, provider, "prompt").inc(row.tokensPrompt ?? 0);
      tokens.labels(row.model, provider, "completion").inc(row.tokensCompletion ?? 0);
      tokens.labels(row.model, provider, "reasoning").inc(row.tokensReasoning ?? 0);
      tokens.labels(row.model, provider, "cached").inc(row.tokensCached ?? 0);
      if (row.totalCost !== undefined && row.totalCost !== 0n) spend.add(row.model, provider, row.totalCost);
      if (timeToFirstTokenMs !== undefined) firstToken.labels(provider, row.model).observe(timeToFirstTokenMs / 1000);
    },
    countRefusal(reason) {
      refusals.labels(reason).inc();
    },
    streamOpened: () => openStreams.inc(),
    streamClosed: () => openStreams.dec(),
    subscriptionOpened: () => openSubscriptions.inc(),
    subscriptionClosed: () => openSubscriptions.dec(),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    close() {
      registry.clear();
    },
  };
}
