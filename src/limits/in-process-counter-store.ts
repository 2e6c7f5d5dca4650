import type { CounterStore } from "./counter-store.js";
import type { CounterState } from "./window-counter.js";
import { applyCounters } from "./window-counter.js";

interface Entry {
  state: CounterState;
  /** On the limiter's clock, like every time here. */
  expiresAt: number;
}

/** How many writes between sweeps of expired counters, so memory follows the number of active callers. */
const SWEEP_EVERY_WRITES = 10_000;

/**
 * Counters in a Map of this process: correct for one gateway instance (JavaScript runs each check to the
 * end before the next), but every instance counts separately, so with several instances set REDIS_URL.
 */
export function createInProcessCounterStore(): CounterStore {
  const counters = new Map<string, Entry>();
  let writes = 0;

  function sweep(now: number): void {
    for (const [key, entry] of counters) if (entry.expiresAt <= now) counters.delete(key);
  }

  return {
    kind: "in-process",
    apply(request) {
      const outcome = applyCounters(
        request,
        (key) => {
          const entry = counters.get(key);
          return entry === undefined || entry.expiresAt <= request.now ? undefined : entry.state;
        },
        (key, state, ttlMs) => {
          counters.set(key, { state, expiresAt: request.now + ttlMs });
          writes += 1;
          if (writes % SWEEP_EVERY_WRITES === 0) sweep(request.now);
        },
      );
      return Promise.resolve(outcome);
    },
  };
}
