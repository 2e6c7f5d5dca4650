import type { AttemptOutcome, EndpointHealth, EndpointStats } from "./endpoint-health.js";
import { HealthCounts } from "./health-counts.js";
import { computeStats, fieldsFor, recentHealth } from "./health-view.js";

/** How often old buckets are forgotten. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Figures cached per endpoint until its counts change: computing them walks a day of buckets, and routing by
 * throughput or latency reads them for every candidate of every request.
 */
export class StatsCache {
  private readonly cached = new Map<number, { at: number; stats: EndpointStats }>();

  constructor(private readonly maxAgeMs: number) {}

  get(endpointId: number, now: number, compute: () => EndpointStats): EndpointStats {
    const hit = this.cached.get(endpointId);
    if (hit !== undefined && now - hit.at < this.maxAgeMs && now >= hit.at) return hit.stats;
    const stats = compute();
    this.cached.set(endpointId, { at: now, stats });
    return stats;
  }

  invalidate(endpointId?: number): void {
    if (endpointId === undefined) this.cached.clear();
    else this.cached.delete(endpointId);
  }
}

/** Endpoint health counted by this process alone (no REDIS_URL). */
export function createInProcessHealth(): EndpointHealth {
  const counts = new HealthCounts();
  const cache = new StatsCache(5_000);
  const read = (endpointId: number, field: string): number => counts.get(endpointId, field);
  let prunedAt = 0;
  return {
    record(outcome: AttemptOutcome) {
      for (const [field, delta] of fieldsFor(outcome)) counts.add(outcome.endpointId, field, delta);
      cache.invalidate(outcome.endpointId);
      if (outcome.at - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = outcome.at;
        counts.prune(outcome.at);
      }
    },
    recent: (endpointId, now) => recentHealth(read, endpointId, now),
    stats: (endpointId, now) =>
      cache.get(endpointId, now, () => computeStats({ read, endpointId, performanceFields: counts.fieldsOf(endpointId)?.keys() ?? [], now })),
    sync: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
