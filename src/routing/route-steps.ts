import { invalidRequest } from "../core/errors.js";
import type { PercentileThresholds } from "../completions/chat-request.js";
import type { Percentiles } from "./health/log-histogram.js";
import type { RouteStep } from "./route-context.js";
import { byPrice, comparatorFor, drawByInversePriceSquare, failingRecently } from "./route-order.js";
import type { RouteCandidate } from "./select-candidates.js";

/** Splits the candidates into runs of one model each, in order (they arrive grouped by `modelIndex`). */
function byModel(candidates: readonly RouteCandidate[]): RouteCandidate[][] {
  const groups: RouteCandidate[][] = [];
  for (const candidate of candidates) {
    const last = groups.at(-1);
    if (last !== undefined && last[0]?.modelIndex === candidate.modelIndex) last.push(candidate);
    else groups.push([candidate]);
  }
  return groups;
}

/**
 * Skips endpoints whose context window (or prompt limit) cannot hold the prompt (its likely size), before any
 * is called. When none can, the request is refused with a 400 that says how large it is. `max_tokens` is not
 * counted: an allowance larger than what is left is capped by the hold (see hold-funds.ts), as before.
 */
export const fitContext: RouteStep = (candidates, context) => {
  const needed = context.promptTokens;
  const fitting = candidates.filter(
    ({ endpoint }) => needed <= endpoint.contextLength && (endpoint.maxPromptTokens === null || needed <= endpoint.maxPromptTokens),
  );
  if (fitting.length > 0 || candidates.length === 0) return fitting;
  const largest = Math.max(...candidates.map(({ endpoint }) => endpoint.maxPromptTokens ?? endpoint.contextLength));
  throw invalidRequest(
    `This model's maximum context length is ${largest} tokens. However, you requested about ${needed} tokens of prompt. Please reduce the length of the messages.`,
    "messages",
    { error_type: "context_length_exceeded", context_length: largest, requested_tokens: needed },
  );
};

/**
 * Orders each model's endpoints. With `provider.order` or a sort (`provider.sort`, `:nitro`, `:floor`): the
 * listed providers first, in their order, then endpoints the catalog marks degraded last, then the sort (price
 * by default). Otherwise the price-weighted draw among endpoints without recent failures, and those with
 * failures in the last 30 s (or degraded in the catalog) after them, cheapest first.
 */
export const orderWithinModels: RouteStep = (candidates, context) =>
  byModel(candidates).flatMap((group) => {
    const order = context.preferences.order;
    const sortBy = context.preferences.sort?.by ?? group[0]?.variantSort;
    if (order !== undefined || sortBy !== undefined) {
      const listed = order ?? [];
      const rank = (candidate: RouteCandidate): number => {
        const index = listed.indexOf(candidate.endpoint.providerSlug);
        return index < 0 ? listed.length : index;
      };
      const compare = comparatorFor(sortBy ?? "price", context);
      return [...group].sort((a, b) => rank(a) - rank(b) || Number(a.endpoint.status < 0) - Number(b.endpoint.status < 0) || compare(a, b));
    }
    const stable: RouteCandidate[] = [];
    const shaky: RouteCandidate[] = [];
    for (const candidate of group) (candidate.endpoint.status < 0 || failingRecently(candidate.endpoint.id, context) ? shaky : stable).push(candidate);
    return [...drawByInversePriceSquare(stable, context), ...shaky.sort(byPrice)];
  });

/** `provider.sort` with `partition: "none"`: one sorted list across every model of `models`. */
export const sortAcrossModels: RouteStep = (candidates, context) => {
  const sort = context.preferences.sort;
  if (sort?.partition !== "none") return candidates;
  const compare = comparatorFor(sort.by, context);
  return [...candidates].sort((a, b) => compare(a, b) || a.modelIndex - b.modelIndex);
};

function meets(figures: Percentiles | null, thresholds: PercentileThresholds, atLeast: boolean): boolean {
  return (["p50", "p75", "p90", "p99"] as const).every((key) => {
    const wanted = thresholds[key];
    if (wanted === undefined) return true;
    const actual = figures?.[key];
    if (actual === undefined) return false;
    return atLeast ? actual >= wanted : actual <= wanted;
  });
}

/**
 * `preferred_min_throughput` and `preferred_max_latency`: soft, so endpoints that miss them (or have no
 * figures yet) move after those known to meet them, within each model (across all with `partition: "none"`);
 * none is removed.
 */
export const preferPerformance: RouteStep = (candidates, context) => {
  const { preferredMinThroughput: minThroughput, preferredMaxLatencyMs: maxLatency } = context.preferences;
  if (minThroughput === undefined && maxLatency === undefined) return candidates;
  const good = (candidate: RouteCandidate): boolean => {
    const stats = context.health.stats(candidate.endpoint.id, context.now);
    return (minThroughput === undefined || meets(stats.throughputLast30m, minThroughput, true)) && (maxLatency === undefined || meets(stats.latencyLast30m, maxLatency, false));
  };
  const partition = (group: RouteCandidate[]): RouteCandidate[] => [...group.filter(good), ...group.filter((candidate) => !good(candidate))];
  return context.preferences.sort?.partition === "none" ? partition(candidates) : byModel(candidates).flatMap(partition);
};

/**
 * The circuit breaker: endpoints whose circuit is open are skipped. When every candidate's is open, the one
 * that failed least recently (the first of them on a tie) is still tried, marked `lastResort`, rather than
 * failing the request without trying.
 */
export const skipOpenCircuits: RouteStep = (candidates, context) => {
  const usable = candidates.filter((candidate) => context.breaker.state(candidate.endpoint.id, context.now) !== "open");
  if (usable.length > 0 || candidates.length === 0) return usable;
  let best: RouteCandidate | undefined;
  let bestShare = Infinity;
  for (const candidate of candidates) {
    const share = context.breaker.failureShare(candidate.endpoint.id, context.now);
    if (share < bestShare) {
      best = candidate;
      bestShare = share;
    }
  }
  return best === undefined ? [] : [{ ...best, lastResort: true }];
};

/** `allow_fallbacks: false`: only the first choice is tried. */
export const limitFallbacks: RouteStep = (candidates, context) => (context.preferences.allowFallbacks ? candidates : candidates.slice(0, 1));
