import { escapeHelp, formatLabels, formatSampleValue } from "./exposition.js";

/**
 * Counter and histogram families for the per-request path, kept as plain numbers in series the caller resolves
 * once per label combination and then holds on to. prom-client hashes and validates the labels on every
 * `inc` and `observe` (a few microseconds for the dozen a completion makes); here an observation is a field
 * update, and the text is written only when scraped.
 */

/** One counter series: add to `value`. */
export interface CounterSeries {
  value: number;
}

/** One histogram series: per-bucket counts (not cumulative until written), sum and count. */
export class HistogramSeries {
  readonly bucketCounts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly upperBounds: readonly number[]) {
    this.bucketCounts = new Float64Array(upperBounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.upperBounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= (bounds[index] as number)) {
        (this.bucketCounts[index] as number) += 1;
        return;
      }
    }
  }
}

interface Labelled<T> {
  labelValues: readonly string[];
  series: T;
}

/** A counter family: `series` creates a series for label values (in `labelNames` order), to be cached by the caller. */
export class CounterFamily {
  private readonly all: Array<Labelled<CounterSeries>> = [];

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  series(labelValues: readonly string[]): CounterSeries {
    const series: CounterSeries = { value: 0 };
    this.all.push({ labelValues, series });
    return series;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const { labelValues, series } of this.all) lines.push(`${this.name}${formatLabels(this.labelNames, labelValues)} ${formatSampleValue(series.value)}`);
    return lines.join("\n");
  }
}

/** A histogram family with fixed buckets (seconds); `+Inf` is implied. */
export class HistogramFamily {
  private readonly all: Array<Labelled<HistogramSeries>> = [];

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
  ) {}

  series(labelValues: readonly string[]): HistogramSeries {
    const series = new HistogramSeries(this.buckets);
    this.all.push({ labelValues, series });
    return series;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const { labelValues, series } of this.all) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += series.bucketCounts[index] ?? 0;
        lines.push(`${this.name}_bucket${formatLabels(this.labelNames, labelValues, { name: "le", value: formatSampleValue(bound) })} ${cumulative}`);
      });
      const labels = formatLabels(this.labelNames, labelValues);
      lines.push(`${this.name}_bucket${formatLabels(this.labelNames, labelValues, { name: "le", value: "+Inf" })} ${series.count}`);
      lines.push(`${this.name}_sum${labels} ${formatSampleValue(series.sum)}`);
      lines.push(`${this.name}_count${labels} ${series.count}`);
    }
    return lines.join("\n");
  }
}
