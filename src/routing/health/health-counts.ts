import { isExpired } from "./health-series.js";

/** Integer counts per endpoint and field (see health-series.ts for field names). */
export class HealthCounts {
  private readonly byEndpoint = new Map<number, Map<string, number>>();

  add(endpointId: number, field: string, delta: number): void {
    let fields = this.byEndpoint.get(endpointId);
    if (fields === undefined) {
      fields = new Map();
      this.byEndpoint.set(endpointId, fields);
    }
    fields.set(field, (fields.get(field) ?? 0) + delta);
  }

  get(endpointId: number, field: string): number {
    return this.byEndpoint.get(endpointId)?.get(field) ?? 0;
  }

  fieldsOf(endpointId: number): ReadonlyMap<string, number> | undefined {
    return this.byEndpoint.get(endpointId);
  }

  endpointIds(): IterableIterator<number> {
    return this.byEndpoint.keys();
  }

  replace(endpointId: number, fields: Map<string, number>): void {
    this.byEndpoint.set(endpointId, fields);
  }

  get size(): number {
    return this.byEndpoint.size;
  }

  /** Takes every count out, leaving this empty. */
  drain(): Map<number, Map<string, number>> {
    const all = new Map(this.byEndpoint);
    this.byEndpoint.clear();
    return all;
  }

  /** Forgets buckets past their series' retention. */
  prune(now: number): void {
    for (const [endpointId, fields] of this.byEndpoint) {
      for (const field of fields.keys()) if (isExpired(field, now)) fields.delete(field);
      if (fields.size === 0) this.byEndpoint.delete(endpointId);
    }
  }
}
