/** Small statistics helpers for the benchmark (milliseconds in, rounded figures out). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Two-sided 95 % Student t quantiles for 1 to 10 degrees of freedom; the normal 1.96 beyond. */
const T_95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/**
 * The mean of a few paired measurements and the half-width of its 95 % confidence interval. An interval that
 * contains 0 means the runs cannot tell the difference from noise, which is what "no measurable loss" asks.
 */
export function meanWithInterval(values: readonly number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, halfWidth: Number.NaN };
  const average = mean(values);
  if (n === 1) return { mean: average, halfWidth: Number.POSITIVE_INFINITY };
  const variance = values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (n - 1);
  const t = T_95[n - 2] ?? 1.96;
  return { mean: average, halfWidth: t * Math.sqrt(variance / n) };
}
