/**
 * Percentiles from counts in logarithmic bins: bin `n` holds values in (GROWTH^(n-1), GROWTH^n]. Counts add
 * across instances and minutes, which raw samples would not, and each percentile is within GROWTH (5 %) of
 * the true value. Values at or below 1 share bin 0.
 */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);

export function binOf(value: number): number {
  if (!(value > 1)) return 0;
  return Math.ceil(Math.log(value) / LOG_GROWTH);
}

/** The value reported for a bin: its upper bound, rounded to 2 decimals. */
export function binValue(bin: number): number {
  return Math.round(GROWTH ** bin * 100) / 100;
}

/** OpenRouter's percentile shape for latency (ms) and throughput (tokens/s). */
export interface Percentiles {
  p50: number;
  p75: number;
  p90: number;
  p99: number;
}

/** p50/p75/p90/p99 of the counts per bin; null with no samples. */
export function percentilesOf(bins: ReadonlyMap<number, number>): Percentiles | null {
  let total = 0;
  for (const count of bins.values()) total += count;
  if (total === 0) return null;
  const sorted = [...bins.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const at = (fraction: number): number => {
    const rank = Math.max(1, Math.ceil(fraction * total));
    let seen = 0;
    for (const [bin, count] of sorted) {
      seen += count;
      if (seen >= rank) return binValue(bin);
    }
    return binValue(sorted.at(-1)?.[0] ?? 0);
  };
  return { p50: at(0.5), p75: at(0.75), p90: at(0.9), p99: at(0.99) };
}
