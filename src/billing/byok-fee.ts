import type { Amount } from "./money.js";
import type { Rate } from "./rate.js";
import { applyRate } from "./rate.js";

/** What a bring-your-own-key request pays in credits, and the part of its upstream price the allowance covered. */
export interface ByokFee {
  /** Charged to credits: `rate × (upstreamCost − allowance used)`, rounded half away from zero to a pico-dollar. */
  fee: Amount;
  /** The part of the upstream price the month's free allowance covered (no fee on it). */
  coveredByAllowance: Amount;
}

/**
 * The BYOK fee (OpenRouter: 5% of the upstream list price, after a monthly free allowance measured at list
 * price). The provider is paid by the account directly, so only the fee touches credits. Exact: amounts are
 * integer pico-dollars and the rate an exact fraction; the one rounding is half away from zero, at the end.
 * https://openrouter.ai/docs/guides/overview/auth/byok
 */
export function byokFee(options: { upstreamCost: Amount; rate: Rate; allowanceLeft: Amount }): ByokFee {
  const left = options.allowanceLeft > 0n ? options.allowanceLeft : 0n;
  const coveredByAllowance = options.upstreamCost < left ? options.upstreamCost : left;
  return { fee: applyRate(options.upstreamCost - coveredByAllowance, options.rate), coveredByAllowance };
}

/**
 * The most the fee of a request can be, for its hold: the fee on its largest upstream price with no allowance.
 * Rounding is monotonic, so the settled fee never exceeds it.
 */
export function byokFeeBound(maxUpstreamCost: Amount, rate: Rate): Amount {
  return applyRate(maxUpstreamCost, rate);
}
