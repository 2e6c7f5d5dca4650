import type { Amount } from "./money.js";
import { formatUsd, maxAmount, minAmount, parseUsd } from "./money.js";
import type { Rate } from "./rate.js";
import { applyRate, compareRates, formatRate, parseRate } from "./rate.js";

/**
 * The platform fee on credit purchases. OpenRouter charges 5.5% with a $0.80 minimum on card purchases
 * (https://openrouter.ai/docs/faq); both are configurable. Volume tiers lower the rate for accounts that buy a
 * lot in a calendar month (UTC): a purchase uses the best tier whose threshold the month's purchases reach,
 * counting this purchase. The fee is charged on top of the credits bought, so buying $100 of credits costs
 * the payer $105.50 and adds exactly $100 to the balance.
 */
export interface FeeTier {
  /** The month's purchased credits (this purchase included) from which the tier applies. */
  minMonthlyVolume: Amount;
  rate: Rate;
}

export interface FeeSchedule {
  rate: Rate;
  minimum: Amount;
  /** Sorted by `minMonthlyVolume`, ascending. */
  tiers: readonly FeeTier[];
}

export interface PlatformFee {
  /** The fee without any volume discount: max(credits × rate, minimum). */
  standardFee: Amount;
  /** The fee charged: max(credits × tier rate, minimum), never more than the standard fee. */
  fee: Amount;
  /** standardFee − fee, recorded in the ledger as a `volume_discount` entry when positive. */
  discount: Amount;
  /** The rate used for `fee`. */
  rate: Rate;
  /** The volume tier that applied, if any. */
  tier: FeeTier | null;
}

/** max(credits × rate, minimum): the fee without any volume discount. */
function standardFeeFor(credits: Amount, schedule: FeeSchedule): Amount {
  return maxAmount(applyRate(credits, schedule.rate), schedule.minimum);
}

/** The fee at a tier's rate: max(credits × rate, minimum), never more than the standard fee. */
function tierFeeFor(credits: Amount, tier: FeeTier, schedule: FeeSchedule, standardFee: Amount): Amount {
  return minAmount(maxAmount(applyRate(credits, tier.rate), schedule.minimum), standardFee);
}

/** The fee for buying `credits`, given what the account already bought this month. */
export function computePlatformFee(options: { credits: Amount; monthlyVolumeBefore: Amount; schedule: FeeSchedule }): PlatformFee {
  const { credits, schedule } = options;
  if (credits <= 0n) throw new RangeError("credits must be positive");
  const standardFee = standardFeeFor(credits, schedule);
  const volume = options.monthlyVolumeBefore + credits;
  let tier: FeeTier | null = null;
  for (const candidate of schedule.tiers) {
    if (volume >= candidate.minMonthlyVolume && compareRates(candidate.rate, schedule.rate) < 0) tier = candidate;
  }
  if (tier === null) return { standardFee, fee: standardFee, discount: 0n, rate: schedule.rate, tier: null };
  const fee = tierFeeFor(credits, tier, schedule, standardFee);
  return { standardFee, fee, discount: standardFee - fee, rate: tier.rate, tier };
}

/**
 * The breakdown of a fee charged earlier, from the payment's recorded credits and fee: for booking a payment
 * whose booking was interrupted (an auto top-up charged just before its instance died), when the month's
 * volume may have moved since. The fee is the one charged; the standard fee is the schedule's (or the fee, if
 * the schedule was lowered since); the tier is the one whose rate gives that fee, if any. The ledger entries
 * it leads to always sum to exactly the credits.
 */
export function recordedPlatformFee(options: { credits: Amount; fee: Amount; schedule: FeeSchedule }): PlatformFee {
  const { credits, fee, schedule } = options;
  const standardFee = maxAmount(standardFeeFor(credits, schedule), fee);
  if (fee === standardFee) return { standardFee, fee, discount: 0n, rate: schedule.rate, tier: null };
  const tier = schedule.tiers.find((candidate) => tierFeeFor(credits, candidate, schedule, standardFee) === fee) ?? null;
  return { standardFee, fee, discount: standardFee - fee, rate: tier?.rate ?? schedule.rate, tier };
}

/**
 * Reads the schedule from configuration strings: `rate` ("0.055"), `minimum` USD ("0.80") and `tiers` as
 * comma-separated `monthlyVolumeUsd:rate` pairs ("1000:0.05,10000:0.04"; empty for none).
 */
export function parseFeeSchedule(options: { rate: string; minimum: string; tiers: string }): FeeSchedule {
  const tiers = options.tiers
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [volume, rate, extra] = part.split(":");
      if (volume === undefined || rate === undefined || extra !== undefined) {
        throw new RangeError(`Volume tier "${part}" is not of the form monthlyVolumeUsd:rate`);
      }
      return { minMonthlyVolume: parseUsd(volume), rate: parseRate(rate) };
    })
    .sort((a, b) => (a.minMonthlyVolume < b.minMonthlyVolume ? -1 : a.minMonthlyVolume > b.minMonthlyVolume ? 1 : 0));
  return { rate: parseRate(options.rate), minimum: parseUsd(options.minimum), tiers };
}

/** A plain-JSON description of a fee, for ledger metadata. */
export function describeFee(fee: PlatformFee): Record<string, string | null> {
  return {
    rate: formatRate(fee.rate),
    standard_fee_usd: formatUsd(fee.standardFee),
    fee_usd: formatUsd(fee.fee),
    discount_usd: formatUsd(fee.discount),
    tier_min_monthly_volume_usd: fee.tier === null ? null : formatUsd(fee.tier.minMonthlyVolume),
  };
}
