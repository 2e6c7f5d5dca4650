import type { Amount } from "../billing/money.js";

/** One model and provider's running total, in the ledger's integer units. */
export interface ExactTotal {
  model: string;
  provider: string;
  units: Amount;
}

/**
 * Spend per model and provider summed exactly, in the ledger's integer units (a float counter incremented by
 * each request's cost would drift from the ledger). The metrics turn each total into USD only when scraped.
 * Models and providers come from the catalog, so the map stays as small as the catalog.
 */
export class ExactUsdTotals {
  private readonly byPair = new Map<string, ExactTotal>();

  add(model: string, provider: string, units: Amount): void {
    const key = `${model}\u0000${provider}`;
    const total = this.byPair.get(key);
    if (total === undefined) this.byPair.set(key, { model, provider, units });
    else total.units += units;
  }

  values(): IterableIterator<ExactTotal> {
    return this.byPair.values();
  }
}
