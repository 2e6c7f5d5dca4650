import { performance } from "node:perf_hooks";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import { createPrometheusMetrics } from "../../src/metrics/prometheus-metrics.js";
import { meanWithInterval, round } from "./stats.js";

export interface MetricsBenchRow {
  what: string;
  "CPU per request": string;
}

/** A settled generation's record as the settler writes it (only the fields the metrics read matter). */
function generationRow(model: string, provider: string): NewGenerationRow {
  return {
    id: "gen-bench",
    model,
    providerSlug: provider,
    apiType: "completions",
    streamed: true,
    cancelled: false,
    errorMessage: null,
    tokensPrompt: 120,
    tokensCompletion: 48,
    tokensReasoning: 0,
    tokensCached: 0,
    totalCost: 123_456_789n,
  };
}

/**
 * What the Prometheus metrics add to one completion request's CPU time, in process: the HTTP observation
 * (request counter, duration and overhead histograms) and the generation's (outcome, four token counters,
 * exact cost, time to first token), over a spread of models and providers as real traffic has; and what one
 * scrape costs. Rounds of 50,000 requests; the mean and its 95% interval over rounds.
 */
export async function runMetricsBench(options: { rounds?: number; perRound?: number } = {}): Promise<MetricsBenchRow[]> {
  const rounds = options.rounds ?? 10;
  const perRound = options.perRound ?? 50_000;
  const metrics = createPrometheusMetrics({ reservationsHeld: () => ({ count: 3, amount: 1_000_000_000_000n }) });
  const pairs = Array.from({ length: 20 }, (_, index) => ({ model: `author/model-${index}`, provider: `provider-${index % 5}` }));
  const rows = pairs.map((pair) => generationRow(pair.model, pair.provider));
  const facts = pairs.map((pair) => ({ model: pair.model, provider: pair.provider, upstreamMs: 40 }));
  const perRequestUs: number[] = [];
  for (let round = 0; round < rounds + 1; round += 1) {
    const started = performance.now();
    for (let index = 0; index < perRound; index += 1) {
      const pair = index % pairs.length;
      metrics.observeGeneration(rows[pair] as NewGenerationRow, 35);
      metrics.observeHttpRequest("/api/v1/chat/completions", 200, 41.5, facts[pair] as (typeof facts)[number]);
    }
    // The first round warms the JIT and creates the label sets; it is not counted.
    if (round > 0) perRequestUs.push(((performance.now() - started) * 1000) / perRound);
  }
  const scrapeMs: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    const started = performance.now();
    await metrics.render();
    scrapeMs.push(performance.now() - started);
  }
  metrics.close();
  const request = meanWithInterval(perRequestUs);
  const scrape = meanWithInterval(scrapeMs.slice(5));
  return [
    { what: "metrics per completion request (HTTP + generation observations)", "CPU per request": `${round(request.mean, 2)} ± ${round(request.halfWidth, 2)} µs` },
    { what: "one scrape of /metrics (20 models × providers, process metrics)", "CPU per request": `${round(scrape.mean, 2)} ± ${round(scrape.halfWidth, 2)} ms` },
  ];
}
