/**
 * The rolling windows endpoint health is counted in. Every figure is a sum of integer counts in time buckets,
 * so counts from several instances add up (merged through Redis with HINCRBY) instead of overwriting each
 * other. A field name is `<series>|<bucket index>|<counter>`, the same in memory and in Redis.
 */
export interface HealthSeries {
  /** Short name used in field names. */
  name: string;
  /** Width of one bucket, milliseconds. */
  bucketMs: number;
  /** How long buckets are kept, milliseconds. */
  retentionMs: number;
}

/** 10-second buckets for 30 minutes: the last 30 s (load balancing, breaker), the 5 m and 30 m uptime. */
export const RECENT_SERIES: HealthSeries = { name: "r", bucketMs: 10_000, retentionMs: 30 * 60_000 };
/** 5-minute buckets for a day: the 1 d uptime. */
export const DAY_SERIES: HealthSeries = { name: "d", bucketMs: 5 * 60_000, retentionMs: 24 * 60 * 60_000 };
/** 1-minute buckets for 30 minutes: latency and throughput histograms. */
export const PERFORMANCE_SERIES: HealthSeries = { name: "p", bucketMs: 60_000, retentionMs: 30 * 60_000 };

export const ALL_SERIES: readonly HealthSeries[] = [RECENT_SERIES, DAY_SERIES, PERFORMANCE_SERIES];

/** Counter names: successes, failures, and histogram bins of time to first token and of throughput. */
export const SUCCESS = "ok";
export const FAILURE = "fail";
export const LATENCY_BIN_PREFIX = "l";
export const THROUGHPUT_BIN_PREFIX = "t";

export function bucketOf(series: HealthSeries, at: number): number {
  return Math.floor(at / series.bucketMs);
}

export function fieldName(series: HealthSeries, bucket: number, counter: string): string {
  return `${series.name}|${bucket}|${counter}`;
}

/** The series, bucket and counter of a field name; undefined for a name this version does not know. */
export function parseField(field: string): { series: HealthSeries; bucket: number; counter: string } | undefined {
  const [name, bucketText, counter] = field.split("|");
  const series = ALL_SERIES.find((candidate) => candidate.name === name);
  const bucket = Number(bucketText);
  if (series === undefined || counter === undefined || !Number.isInteger(bucket)) return undefined;
  return { series, bucket, counter };
}

/** Whether a field's bucket has left its series' retention at `now`. */
export function isExpired(field: string, now: number): boolean {
  const parsed = parseField(field);
  if (parsed === undefined) return true;
  return (parsed.bucket + 1) * parsed.series.bucketMs <= now - parsed.series.retentionMs;
}
