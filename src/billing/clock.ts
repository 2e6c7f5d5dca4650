/**
 * Where billing reads the time: reservation expiry, key-limit periods, top-up backoff. Injected so tests can
 * cross a UTC midnight or a Monday without waiting. The same shape as the limiter's clock
 * (`src/limits/clock.ts`), so one clock object can drive both.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
