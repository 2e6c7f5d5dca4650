/**
 * The counting rule shared by both limiter implementations. The in-process store runs these functions; the
 * Redis store runs the same steps in Lua (`redis/rate-limit-script.ts`), in the same order of floating-point
 * operations, so both give the same answers (the contract suite checks it).
 *
 * Each counter is one record `{window, current, previous}`:
 * - a **fixed window** counts `current` for the window `floor(now / windowMs)`; with `windowMs` = one day
 *   the windows start at 00:00 UTC, because the Unix epoch does;
 * - a **sliding window counter** (Cloudflare's approximation) also keeps the previous window's count and
 *   weighs it by how much of the previous window still overlaps the last `windowMs`:
 *   `count = current + previous × (1 − elapsed fraction of the current window)`. It needs two numbers per
 *   counter, never lets a burst at a window edge double the limit as a fixed window does, and is exact
 *   while the previous window is empty.
 */

/** One counter that a check reads and may advance. */
export interface CounterRule {
  /** Storage key (Redis key, or map key in process). */
  key: string;
  windowMs: number;
  /** Admission needs `count + cost <= limit`. */
  limit: number;
  /** Requests count 1; a token check has cost 1 too ("at least one token left") but does not increment. */
  cost: number;
  /** Whether admission advances this counter by `cost` (request counters) or only reads it (token limits). */
  increment: boolean;
  sliding: boolean;
}

/** What is stored per counter. */
export interface CounterState {
  window: number;
  current: number;
  previous: number;
}

/** One rule's standing after the check: what is left, and when a request of the same cost fits again. */
export interface CounterResult {
  remaining: number;
  /** Milliseconds since the epoch. For a refused rule, the earliest time the same request would be admitted. */
  resetAt: number;
}

export interface CounterOutcome {
  admitted: boolean;
  /** One per rule, in the order given. */
  results: CounterResult[];
}

/** `admit`: all-or-nothing check and increment; `charge`: add each rule's cost unconditionally (token usage). */
export type CounterMode = "admit" | "charge";

export interface CounterRequest {
  now: number;
  mode: CounterMode;
  rules: readonly CounterRule[];
}

/** How long a key outlives the last window that can still count it, so a slow clock never loses counts. */
export const COUNTER_TTL_MARGIN_MS = 1000;

interface CounterView {
  window: number;
  current: number;
  previous: number;
  fraction: number;
}

/** The stored state moved forward to the window `now` falls in. */
function view(stored: CounterState | undefined, windowMs: number, now: number): CounterView {
  let window = Math.floor(now / windowMs);
  let current = 0;
  let previous = 0;
  if (stored !== undefined) {
    if (stored.window === window) {
      current = stored.current;
      previous = stored.previous;
    } else if (stored.window === window - 1) {
      previous = stored.current;
    } else if (stored.window > window) {
      // Another instance's clock is slightly ahead and already moved the window: count in its window.
      window = stored.window;
      current = stored.current;
      previous = stored.previous;
    }
  }
  const fraction = Math.min(1, Math.max(0, (now - window * windowMs) / windowMs));
  return { window, current, previous, fraction };
}

function countOf(state: CounterView, sliding: boolean): number {
  return sliding ? state.current + state.previous * (1 - state.fraction) : state.current;
}

/** The earliest time `count + cost <= limit` holds again if nothing else is counted meanwhile. */
function fitsAt(state: CounterView, rule: CounterRule): number {
  const start = state.window * rule.windowMs;
  if (!rule.sliding) return start + rule.windowMs;
  const room = rule.limit - rule.cost;
  if (room < 0) return start + 2 * rule.windowMs;
  // Solving `weight × (1 − f) ≤ room` for f, in integer ms: `windowMs × (excess) / weight` is exact when it
  // divides, and the +1 ms puts the answer strictly past the boundary, where floating-point rounding of the
  // weighted count can no longer refuse it.
  if (state.current > room) return start + rule.windowMs + Math.ceil((rule.windowMs * (state.current - room)) / state.current) + 1;
  if (state.previous > 0 && state.current + state.previous * (1 - state.fraction) > room) {
    return start + Math.ceil((rule.windowMs * (state.previous - room + state.current)) / state.previous) + 1;
  }
  return start + rule.windowMs;
}

/**
 * Applies one check to a store given as `read`/`write`. Callers must run it atomically with respect to
 * other checks on the same keys (the in-process store is single-threaded; Redis runs the Lua twin).
 */
export function applyCounters(
  request: CounterRequest,
  read: (key: string) => CounterState | undefined,
  write: (key: string, state: CounterState, ttlMs: number) => void,
): CounterOutcome {
  const { now, mode, rules } = request;
  const views = rules.map((rule) => view(read(rule.key), rule.windowMs, now));
  let admitted = true;
  if (mode === "admit") {
    rules.forEach((rule, index) => {
      if (countOf(views[index]!, rule.sliding) + rule.cost > rule.limit) admitted = false;
    });
  }
  const results = rules.map((rule, index): CounterResult => {
    const state = views[index]!;
    if (mode === "charge" || (admitted && rule.increment)) {
      state.current += rule.cost;
      const start = state.window * rule.windowMs;
      const expiresAt = start + (rule.sliding ? 2 : 1) * rule.windowMs;
      write(rule.key, { window: state.window, current: state.current, previous: state.previous }, expiresAt - now + COUNTER_TTL_MARGIN_MS);
    }
    return { remaining: Math.max(0, Math.floor(rule.limit - countOf(state, rule.sliding))), resetAt: fitsAt(state, rule) };
  });
  return { admitted, results };
}
