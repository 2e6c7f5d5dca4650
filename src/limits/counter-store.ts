import type { CounterOutcome, CounterRequest } from "./window-counter.js";

/**
 * Where counters live. The limiter decides which rules apply; a store only runs {@link CounterRequest}s
 * atomically. Swapping the store is what makes limits per process or global.
 */
export interface CounterStore {
  readonly kind: "in-process" | "redis";
  apply(request: CounterRequest): Promise<CounterOutcome>;
}
