import type { Amount } from "../billing/money.js";
import { formatUsd } from "../billing/money.js";
import { escapeHelp, formatLabels } from "./exposition.js";

/** One series of spend, in the ledger's integer units. */
export interface ExactUsdSeries {
  units: Amount;
}

/**
 * A USD counter family summed exactly in the ledger's integer units (a float counter incremented by each
 * request's cost would drift from the ledger), written as the exact decimal when scraped. Prometheus reads it as
 * a float64, so only a total beyond about 15 significant digits loses its last ones there, never here.
 */
export class ExactUsdFamily {
  private readonly all: Array<{ labelValues: readonly string[]; series: ExactUsdSeries }> = [];

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  series(labelValues: readonly string[]): ExactUsdSeries {
    const series: ExactUsdSeries = { units: 0n };
    this.all.push({ labelValues, series });
    return series;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const { labelValues, series } of this.all) lines.push(`${this.name}${formatLabels(this.labelNames, labelValues)} ${formatUsd(series.units)}`);
    return lines.join("\n");
  }
}
