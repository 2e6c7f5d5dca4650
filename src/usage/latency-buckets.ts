/**
 * The latency histogram's scale, mirrored by the SQL function `usage_latency_bucket` (migration 0007): four
 * buckets per doubling, so bucket b holds latencies L (ms) with 2^(b/4) <= L + 1 < 2^((b+1)/4). A percentile
 * read from the histogram is reported as its bucket's upper bound: never below the true value, at most 19 %
 * above it (2^(1/4)), which is what a dashboard's p50/p95 needs and lets the rollups stay small and exact.
 */
export function latencyBucketOf(latencyMs: number): number {
  return Math.min(127, Math.floor((4 * Math.log(Math.max(latencyMs, 0) + 1)) / Math.log(2)));
}

/** The largest latency (ms) bucket `bucket` can hold, the value reported for a percentile falling in it. */
export function latencyBucketUpperMs(bucket: number): number {
  return Math.max(0, Math.ceil(2 ** ((bucket + 1) / 4)) - 2);
}
