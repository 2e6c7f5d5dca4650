import { z } from "zod";
import type { Amount, InvalidAmountReason } from "./money.js";
import { formatUsd, InvalidAmountError, parseUsd, usdFromJsonNumber } from "./money.js";

/**
 * Money at an API edge, as a zod schema: a USD amount sent as a JSON number (taken as the digits the client
 * wrote) or, where `strings` is set, a decimal string, turned into an exact amount. Everything the money
 * parsers refuse (more than 12 decimals, NaN-like text, amounts no `bigint` holds) and everything outside
 * `[minimum, maximum]` becomes a zod issue, so the caller's one error mapping names the field in a 400
 * instead of a RangeError escaping as a 500. Shared by REST and GraphQL inputs so both refuse the same values.
 */
export function usdInput(options: { maximum: Amount; minimum?: Amount; strings?: boolean }): z.ZodType<Amount, number | string> {
  const minimum = options.minimum ?? 0n;
  const raw = options.strings === true ? z.union([z.number(), z.string()]) : z.number();
  const tooSmall = minimum === 0n ? "must not be negative" : `must be at least ${formatUsd(minimum)} USD`;
  const tooLarge = `must be at most ${formatUsd(options.maximum)} USD`;
  return raw.transform((value, context) => {
    const amount = readAmount(value);
    let problem: string | undefined;
    if (amount === "not_decimal") problem = "must be a decimal number of USD, such as 0.5";
    else if (amount === "too_many_decimals") problem = "must have at most 12 decimal places";
    else if (amount === "out_of_range" || amount === "not_finite") problem = String(value).startsWith("-") ? tooSmall : tooLarge;
    else if (amount < minimum) problem = tooSmall;
    else if (amount > options.maximum) problem = tooLarge;
    else return amount;
    context.issues.push({ code: "custom", message: problem, input: value });
    return z.NEVER;
  });
}

/** The amount, or why `value` is none. */
function readAmount(value: number | string): Amount | InvalidAmountReason {
  try {
    return typeof value === "number" ? usdFromJsonNumber(value) : parseUsd(value);
  } catch (error) {
    if (error instanceof InvalidAmountError) return error.reason;
    throw error;
  }
}
