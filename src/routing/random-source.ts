/**
 * Where the router's random draws come from: a function returning a number in [0, 1). Injected so tests (and
 * `ROUTING_RANDOM_SEED`) make the price-weighted draw reproducible; production uses `Math.random`.
 */
export type RandomSource = () => number;

/**
 * A small deterministic generator (the "mulberry32" recurrence: a 32-bit state advanced by a Weyl step and
 * mixed by two multiply-xorshift rounds). Good enough to spread load and reproducible from one seed; not for
 * anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `ROUTING_RANDOM_SEED` when set, otherwise `Math.random`. */
export function randomSourceFor(seed: number | undefined): RandomSource {
  return seed === undefined ? Math.random : seededRandom(seed);
}
