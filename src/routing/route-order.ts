import type { SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import type { RouteSort } from "../completions/chat-request.js";
import type { RouteContext } from "./route-context.js";
import type { RouteCandidate } from "./select-candidates.js";

/** Prompt + completion price per token, in pico-USD, as a float for weighting and comparing (never for money). */
export function priceWeight(endpoint: SnapshotEndpoint): number {
  return Number(endpoint.pricing.prompt + endpoint.pricing.completion);
}

/** Failures in the last 30 s that take an endpoint out of the price-weighted draw: at least one, and 10 % of attempts. */
export function failingRecently(endpointId: number, context: RouteContext): boolean {
  const recent = context.health.recent(endpointId, context.now);
  return recent.failures > 0 && recent.failures * 10 >= recent.attempts;
}

/** Cheapest first, then the lower endpoint id, so the order is total. */
export function byPrice(a: RouteCandidate, b: RouteCandidate): number {
  return priceWeight(a.endpoint) - priceWeight(b.endpoint) || a.endpoint.id - b.endpoint.id;
}

/** `provider.sort`'s order: throughput p50 highest first, latency p50 lowest first (unknown last), ties by price. */
export function comparatorFor(by: RouteSort["by"], context: RouteContext): (a: RouteCandidate, b: RouteCandidate) => number {
  if (by === "price") return byPrice;
  const figure = new Map<number, number>();
  const valueOf = (candidate: RouteCandidate): number => {
    const id = candidate.endpoint.id;
    let value = figure.get(id);
    if (value === undefined) {
      const stats = context.health.stats(id, context.now);
      value = by === "throughput" ? -(stats.throughputLast30m?.p50 ?? -Infinity) : (stats.latencyLast30m?.p50 ?? Infinity);
      figure.set(id, value);
    }
    return value;
  };
  return (a, b) => {
    const difference = valueOf(a) - valueOf(b);
    return Number.isNaN(difference) || difference === 0 ? byPrice(a, b) : difference;
  };
}

/**
 * OpenRouter's default: a weighted random order in which each endpoint's chance to come first is proportional to
 * the inverse square of its price ($1 is 9× as likely as $3), and the rest follow as a draw without replacement
 * from the same weights. Each candidate gets the key ln(u)·price² for a uniform u in (0, 1] and the largest key
 * comes first (Efraimidis and Spirakis' weighted sampling, with weight 1/price²): one pass and a sort. A free
 * endpoint weighs as one pico-dollar a token.
 */
export function drawByInversePriceSquare(candidates: readonly RouteCandidate[], context: RouteContext): RouteCandidate[] {
  const keyed = candidates.map((candidate) => {
    const price = Math.max(1, priceWeight(candidate.endpoint));
    return { candidate, key: Math.log(1 - context.random()) * price * price };
  });
  keyed.sort((a, b) => b.key - a.key);
  return keyed.map((entry) => entry.candidate);
}
