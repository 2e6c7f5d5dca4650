import type { AttemptOutcome, EndpointStats, RecentHealth } from "./endpoint-health.js";
import {
  bucketOf,
  DAY_SERIES,
  FAILURE,
  fieldName,
  LATENCY_BIN_PREFIX,
  parseField,
  PERFORMANCE_SERIES,
  RECENT_SERIES,
  SUCCESS,
  THROUGHPUT_BIN_PREFIX,
  type HealthSeries,
} from "./health-series.js";
import { binOf, percentilesOf } from "./log-histogram.js";

/** The window in which failures count as "recent" for load balancing and the breaker. */
export const RECENT_WINDOW_MS = 30_000;

/** The fields (and increments) one outcome adds. */
export function fieldsFor(outcome: AttemptOutcome): Array<[string, number]> {
  if (outcome.result === "neutral") return [];
  const counter = outcome.result === "success" ? SUCCESS : FAILURE;
  const fields: Array<[string, number]> = [
    [fieldName(RECENT_SERIES, bucketOf(RECENT_SERIES, outcome.at), counter), 1],
    [fieldName(DAY_SERIES, bucketOf(DAY_SERIES, outcome.at), counter), 1],
  ];
  const minute = bucketOf(PERFORMANCE_SERIES, outcome.at);
  if (outcome.timeToFirstTokenMs !== undefined) {
    fields.push([fieldName(PERFORMANCE_SERIES, minute, `${LATENCY_BIN_PREFIX}${binOf(outcome.timeToFirstTokenMs)}`), 1]);
  }
  if (outcome.tokensPerSecond !== undefined && Number.isFinite(outcome.tokensPerSecond)) {
    fields.push([fieldName(PERFORMANCE_SERIES, minute, `${THROUGHPUT_BIN_PREFIX}${binOf(outcome.tokensPerSecond)}`), 1]);
  }
  return fields;
}

/** Reads counts for one endpoint, whatever holds them. */
export type CountReader = (endpointId: number, field: string) => number;

function windowSums(read: CountReader, endpointId: number, series: HealthSeries, windowMs: number, now: number): RecentHealth {
  const last = bucketOf(series, now);
  const first = bucketOf(series, now - windowMs + 1);
  let successes = 0;
  let failures = 0;
  for (let bucket = first; bucket <= last; bucket += 1) {
    successes += read(endpointId, fieldName(series, bucket, SUCCESS));
    failures += read(endpointId, fieldName(series, bucket, FAILURE));
  }
  return { attempts: successes + failures, failures };
}

/** Attempts and failures in the last 30 s (a handful of map lookups: this runs per candidate per request). */
export function recentHealth(read: CountReader, endpointId: number, now: number): RecentHealth {
  return windowSums(read, endpointId, RECENT_SERIES, RECENT_WINDOW_MS, now);
}

function uptime(sums: RecentHealth): number | null {
  if (sums.attempts === 0) return null;
  return Math.round(((sums.attempts - sums.failures) / sums.attempts) * 100 * 100) / 100;
}

/** Every published figure of one endpoint, from its counts and the names of its performance fields. */
export function computeStats(options: { read: CountReader; endpointId: number; performanceFields: Iterable<string>; now: number }): EndpointStats {
  const { read, endpointId, now } = options;
  const latency = new Map<number, number>();
  const throughput = new Map<number, number>();
  const firstMinute = bucketOf(PERFORMANCE_SERIES, now - PERFORMANCE_SERIES.retentionMs + 1);
  for (const field of options.performanceFields) {
    const parsed = parseField(field);
    if (parsed === undefined || parsed.series !== PERFORMANCE_SERIES || parsed.bucket < firstMinute) continue;
    const kind = parsed.counter.slice(0, 1);
    const bin = Number(parsed.counter.slice(1));
    const target = kind === LATENCY_BIN_PREFIX ? latency : kind === THROUGHPUT_BIN_PREFIX ? throughput : undefined;
    if (target === undefined || !Number.isInteger(bin)) continue;
    target.set(bin, (target.get(bin) ?? 0) + read(endpointId, field));
  }
  return {
    uptimeLast5m: uptime(windowSums(read, endpointId, RECENT_SERIES, 5 * 60_000, now)),
    uptimeLast30m: uptime(windowSums(read, endpointId, RECENT_SERIES, 30 * 60_000, now)),
    uptimeLast1d: uptime(windowSums(read, endpointId, DAY_SERIES, 24 * 60 * 60_000, now)),
    latencyLast30m: percentilesOf(latency),
    throughputLast30m: percentilesOf(throughput),
  };
}
