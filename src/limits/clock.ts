/**
 * Where the limiter reads the time. Injected so tests can step across a minute or a UTC midnight without
 * waiting; production uses {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. Every gateway instance sharing one Redis must agree on it to within a second or so. */
export const systemClock: Clock = { now: () => Date.now() };
