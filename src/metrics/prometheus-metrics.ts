import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Amount } from "../billing/money.js";
import { formatUsd } from "../billing/money.js";
import type { ExactUsdSeries } from "./exact-usd-family.js";
import { ExactUsdFamily } from "./exact-usd-family.js";
import type { GatewayMetrics, RefusalReason } from "./gateway-metrics.js";
import type { CounterSeries, HistogramSeries } from "./series-families.js";
import { CounterFamily, HistogramFamily } from "./series-families.js";

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

/** The series one (route, status, model, provider) combination of HTTP traffic writes to. */
interface HttpSeries {
  requests: CounterSeries;
  duration: HistogramSeries;
}

/** The series one (model, provider) pair's generations write to. */
interface GenerationSeries {
  ok: CounterSeries;
  error: CounterSeries;
  cancelled: CounterSeries;
  prompt: CounterSeries;
  completion: CounterSeries;
  reasoning: CounterSeries;
  cached: CounterSeries;
  cost: ExactUsdSeries;
  firstToken: HistogramSeries;
}

/** A map's entry, or a new empty map put there (the nested indexes below find series without building a key string). */
function branch<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let child = map.get(key);
  if (child === undefined) {
    child = new Map();
    map.set(key, child);
  }
  return child;
}

/**
 * The gateway's metrics. The per-request families (requests, durations, overhead, generations, tokens, cost,
 * time to first token) are kept by this module as plain numbers in series found through nested maps by their
 * label values, so an observation allocates nothing once its label combination has been seen; they are
 * written as text only when scraped. Everything else (refusals, reservations held, open streams and
 * subscriptions, Node.js process metrics) is prom-client's, on a registry of this gateway's own (never the
 * global one, so several gateways in one process, as in tests, each count their own traffic). Gauges are read
 * at scrape time.
 */
export function createPrometheusMetrics(options: { reservationsHeld: () => { count: number; amount: Amount } }): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestLabels = ["route", "status", "model", "provider"];
  const requests = new CounterFamily("gateway_http_requests_total", "HTTP requests answered, by route pattern, status, and the model and provider that served a completion.", requestLabels);
  const durations = new HistogramFamily("gateway_http_request_duration_seconds", "Time from a request's arrival to its last byte, by route pattern, status, model and provider.", requestLabels, DURATION_BUCKETS);
  const overhead = new HistogramFamily("gateway_overhead_seconds", "The gateway's own time per completion request: total time minus the serving upstream attempt's.", ["route"], OVERHEAD_BUCKETS);
  const firstToken = new HistogramFamily("gateway_upstream_time_to_first_token_seconds", "Streamed generations: from the serving upstream call's start to its first output.", ["model", "provider"], FIRST_TOKEN_BUCKETS);
  const generations = new CounterFamily("gateway_generations_total", "Generations settled, by model, provider and outcome (ok, error, cancelled).", ["model", "provider", "outcome"]);
  const tokens = new CounterFamily("gateway_tokens_total", "Tokens billed, by model, provider and type (prompt, completion, reasoning, cached).", ["model", "provider", "type"]);
  const cost = new ExactUsdFamily("gateway_cost_usd_total", "USD charged for generations, by model and provider: the exact sum of the ledger's charges.", ["model", "provider"]);
  const ownFamilies = [requests, durations, overhead, firstToken, generations, tokens, cost];

  const overheadByRoute = new Map<string, HistogramSeries>();
  const httpIndex = new Map<string, Map<number, Map<string, Map<string, HttpSeries>>>>();
  const generationIndex = new Map<string, Map<string, GenerationSeries>>();

  function httpSeries(route: string, status: number, model: string, provider: string): HttpSeries {
    let byStatus = httpIndex.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      httpIndex.set(route, byStatus);
    }
    const byProvider = branch(branch(byStatus, status), model);
    let series = byProvider.get(provider);
    if (series === undefined) {
      const labelValues = [route, String(status), model, provider];
      series = { requests: requests.series(labelValues), duration: durations.series(labelValues) };
      byProvider.set(provider, series);
    }
    return series;
  }

  function generationSeries(model: string, provider: string): GenerationSeries {
    const byProvider = branch(generationIndex, model);
    let series = byProvider.get(provider);
    if (series === undefined) {
      series = {
        ok: generations.series([model, provider, "ok"]),
        error: generations.series([model, provider, "error"]),
        cancelled: generations.series([model, provider, "cancelled"]),
        prompt: tokens.series([model, provider, "prompt"]),
        completion: tokens.series([model, provider, "completion"]),
        reasoning: tokens.series([model, provider, "reasoning"]),
        cached: tokens.series([model, provider, "cached"]),
        cost: cost.series([model, provider]),
        firstToken: firstToken.series([model, provider]),
      };
      byProvider.set(provider, series);
    }
    return series;
  }

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
  let openStreams = 0;
  let openSubscriptions = 0;
  new Gauge({
    name: "gateway_open_streams",
    help: "Server-sent-event completion streams open now.",
    registers: [registry],
    collect() {
      this.set(openStreams);
    },
  });
  new Gauge({
    name: "gateway_open_subscriptions",
    help: "GraphQL subscriptions open now over WebSockets.",
    registers: [registry],
    collect() {
      this.set(openSubscriptions);
    },
  });

  return {
    registry,
    observeHttpRequest(route, status, totalMs, served) {
      const series = httpSeries(route, status, served.model ?? "", served.provider ?? "");
      series.requests.value += 1;
      series.duration.observe(totalMs / 1000);
      if (served.upstreamMs === undefined) return;
      let routeOverhead = overheadByRoute.get(route);
      if (routeOverhead === undefined) {
        routeOverhead = overhead.series([route]);
        overheadByRoute.set(route, routeOverhead);
      }
      routeOverhead.observe(Math.max(0, totalMs - served.upstreamMs) / 1000);
    },
    observeGeneration(row, timeToFirstTokenMs) {
      const series = generationSeries(row.model, row.providerSlug ?? "");
      const outcome = row.cancelled === true ? series.cancelled : row.errorMessage === null || row.errorMessage === undefined ? series.ok : series.error;
      outcome.value += 1;
      series.prompt.value += row.tokensPrompt ?? 0;
      series.completion.value += row.tokensCompletion ?? 0;
      series.reasoning.value += row.tokensReasoning ?? 0;
      series.cached.value += row.tokensCached ?? 0;
      if (row.totalCost !== undefined && row.totalCost !== 0n) series.cost.units += row.totalCost;
      if (timeToFirstTokenMs !== undefined) series.firstToken.observe(timeToFirstTokenMs / 1000);
    },
    countRefusal(reason) {
      refusals.labels(reason).inc();
    },
    streamOpened: () => void (openStreams += 1),
    streamClosed: () => void (openStreams -= 1),
    subscriptionOpened: () => void (openSubscriptions += 1),
    subscriptionClosed: () => void (openSubscriptions -= 1),
    async render() {
      const library = await registry.metrics();
      return { contentType: registry.contentType, body: `${library}\n${ownFamilies.map((family) => family.render()).join("\n\n")}\n` };
    },
    close() {
      registry.clear();
    },
  };
}
