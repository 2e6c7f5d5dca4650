/**
 * Exact money. Every amount is a bigint count of pico-dollars (1e-12 USD): small enough that the price of a
 * single token of the cheapest catalog model is a whole number, large enough for balances up to about
 * $9.2 million in a Postgres `bigint`. Floats never hold money; JSON numbers are produced only at the edge
 * for display (`toUsdNumber`).
 */
export type Amount = bigint;

/** Decimal places of the unit: 1 USD = 10^12 units. */
export const AMOUNT_SCALE = 12;
const UNITS_PER_USD = 10n ** BigInt(AMOUNT_SCALE);

/** The largest amount a Postgres `bigint` column holds (about $9.2 million); nothing beyond it is an amount. */
export const MAX_AMOUNT: Amount = 2n ** 63n - 1n;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Why a value is not an amount, for callers that word their own refusal (a 400 naming the field). */
export type InvalidAmountReason = "not_decimal" | "too_many_decimals" | "out_of_range" | "not_finite";

/**
 * Thrown by the parsers below. A `RangeError`, as before, so existing `catch` sites keep working; the edges
 * (REST, GraphQL, CLI) turn it into a 400 naming the field instead of letting it surface as a 500.
 */
export class InvalidAmountError extends RangeError {
  readonly reason: InvalidAmountReason;

  constructor(reason: InvalidAmountReason, message: string) {
    super(message);
    this.name = "InvalidAmountError";
    this.reason = reason;
  }
}

/** Digits read at most: a longer whole part is out of range anyway, and BigInt of a megabyte of digits is slow. */
const MAX_WHOLE_DIGITS = String(MAX_AMOUNT / UNITS_PER_USD).length;

/**
 * Parses a decimal USD string ("0.0000025", "10", "-1.5") into an exact amount. More than 12 decimal places
 * is refused rather than rounded, because a silently rounded price would bill differently from the list; so is
 * an amount no `bigint` column could hold.
 *
 * @throws InvalidAmountError
 */
export function parseUsd(text: string): Amount {
  const match = DECIMAL.exec(text.trim());
  if (match === null) throw new InvalidAmountError("not_decimal", `Not a decimal amount: "${text.slice(0, 40)}"`);
  const [, sign, whole = "0", fraction = ""] = match;
  if (fraction.length > AMOUNT_SCALE) {
    const extra = fraction.slice(AMOUNT_SCALE);
    if (!/^0*$/.test(extra)) throw new InvalidAmountError("too_many_decimals", `"${text.slice(0, 40)}" has more than ${AMOUNT_SCALE} decimal places`);
  }
  const significant = whole.replace(/^0+(?=\d)/, "");
  const outOfRange = new InvalidAmountError("out_of_range", `"${text.slice(0, 40)}" is beyond the largest amount, ${formatUsd(MAX_AMOUNT)} USD`);
  if (significant.length > MAX_WHOLE_DIGITS) throw outOfRange;
  const units = BigInt(significant) * UNITS_PER_USD + BigInt(fraction.slice(0, AMOUNT_SCALE).padEnd(AMOUNT_SCALE, "0"));
  if (units > MAX_AMOUNT) throw outOfRange;
  return sign === "-" ? -units : units;
}

/** Formats an amount as a plain decimal USD string without trailing zeros ("0.0000025", "12", "-0.5"). */
export function formatUsd(amount: Amount): string {
  const negative = amount < 0n;
  const absolute = negative ? -amount : amount;
  const whole = absolute / UNITS_PER_USD;
  const fraction = (absolute % UNITS_PER_USD).toString().padStart(AMOUNT_SCALE, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction.length > 0 ? `.${fraction}` : ""}`;
}

/** A JSON number for display in OpenRouter-shaped responses (which use numbers); never fed back into money. */
export function toUsdNumber(amount: Amount): number {
  return Number(formatUsd(amount));
}

/** Converts whole US dollars (possibly fractional, given as a decimal string or integer) to an amount. */
export function usd(value: string | number): Amount {
  // A number is taken as the digits it prints as (`toFixed` would turn 23077.35 into 23077.349999999999).
  return typeof value === "number" ? usdFromJsonNumber(value) : parseUsd(value);
}

/** Multiplies an amount by a rational factor, rounding half away from zero to a whole unit. */
export function multiplyRational(amount: Amount, numerator: bigint, denominator: bigint): Amount {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const product = amount * numerator;
  const quotient = product / denominator;
  const remainder = product % denominator;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice >= denominator) return product < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/** The larger of two amounts. */
export function maxAmount(a: Amount, b: Amount): Amount {
  return a > b ? a : b;
}

/** The smaller of two amounts. */
export function minAmount(a: Amount, b: Amount): Amount {
  return a < b ? a : b;
}

/**
 * Converts a JSON number (a key limit, a purchase amount sent by a client) to an exact amount through its
 * shortest decimal form, i.e. the digits the client wrote: `23077.35` becomes 23077.35, whereas formatting the
 * binary value to 12 places gives 23077.349999999999.
 *
 * @throws InvalidAmountError for non-finite numbers, more than 12 decimal places, and amounts out of range.
 */
export function usdFromJsonNumber(value: number): Amount {
  if (!Number.isFinite(value)) throw new InvalidAmountError("not_finite", `Not a finite amount: ${value}`);
  // Beyond the range the exponent alone says so; expanding 1e300 into digits would only waste time.
  if (Math.abs(value) >= 1e16) throw new InvalidAmountError("out_of_range", `${value} is beyond the largest amount, ${formatUsd(MAX_AMOUNT)} USD`);
  const text = String(value);
  const exponential = /^(-)?(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
  if (exponential === null) return parseUsd(text);
  const [, sign = "", whole = "0", fraction = "", exponentText = "0"] = exponential;
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponentText);
  const decimal =
    point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return parseUsd(`${sign}${decimal}`);
}
