import type { Amount } from "../../billing/money.js";
import { formatUsd, parseUsd } from "../../billing/money.js";
import { invalidRequest } from "../../core/errors.js";

/**
 * Money at the GraphQL edge: exact amounts become `Decimal` strings of USD ("12.5", "0.000000125") and
 * `Decimal` inputs become exact amounts. A value with more than 12 decimal places is refused (400 / BAD_USER_INPUT)
 * instead of being rounded.
 */
export function toDecimal(amount: Amount): string {
  return formatUsd(amount);
}

export function toDecimalOrNull(amount: Amount | null): string | null {
  return amount === null ? null : formatUsd(amount);
}

export function fromDecimal(text: string, field: string): Amount {
  try {
    return parseUsd(text);
  } catch {
    throw invalidRequest(`${field} must be a USD amount with at most 12 decimal places`, field);
  }
}
