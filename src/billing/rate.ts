import type { Amount } from "./money.js";
import { multiplyRational } from "./money.js";

/**
 * An exact fraction such as a fee rate (5.5% = 55/1000). Rates come from configuration as decimal strings
 * ("0.055") and are never turned into floats, so a fee is the same on every machine.
 */
export interface Rate {
  numerator: bigint;
  denominator: bigint;
}

const FRACTION = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal ("0.055", "1", "0.04") into an exact rate. */
export function parseRate(text: string): Rate {
  const match = FRACTION.exec(text.trim());
  if (match === null) throw new RangeError(`Not a non-negative decimal rate: "${text}"`);
  const [, whole = "0", fraction = ""] = match;
  const denominator = 10n ** BigInt(fraction.length);
  return { numerator: BigInt(whole) * denominator + BigInt(fraction === "" ? "0" : fraction), denominator };
}

/** `amount × rate`, rounded half away from zero to a whole pico-dollar. */
export function applyRate(amount: Amount, rate: Rate): Amount {
  return multiplyRational(amount, rate.numerator, rate.denominator);
}

/** The rate as a decimal string, for ledger metadata and display ("0.055"). */
export function formatRate(rate: Rate): string {
  const whole = rate.numerator / rate.denominator;
  let remainder = rate.numerator % rate.denominator;
  if (remainder === 0n) return whole.toString();
  // Denominators come from decimal strings (powers of ten), so this terminates.
  let digits = "";
  for (let index = 0; index < 30 && remainder !== 0n; index += 1) {
    remainder *= 10n;
    digits += (remainder / rate.denominator).toString();
    remainder %= rate.denominator;
  }
  return `${whole}.${digits}`;
}

/** Compares two rates exactly: negative, zero or positive like `a - b`. */
export function compareRates(a: Rate, b: Rate): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
