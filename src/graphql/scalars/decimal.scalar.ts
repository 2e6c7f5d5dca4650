import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/**
 * `Decimal`: an exact decimal number carried as a string ("0.0000025", "2.5", "-1"), for prices and money.
 * Never a GraphQL `Float`: a binary float cannot hold most per-token prices (2.5e-6 is not 0.0000025), and a
 * client adding floats would drift from what the gateway bills.
 *
 * Output is normalised: no exponent, no leading `+`, no superfluous leading zeros and no trailing fractional
 * zeros (`"0.000002500000"` → `"0.0000025"`, `"-0"` → `"0"`). Input must be a string (or an integer literal)
 * in the same plain notation; anything else is refused with BAD_USER_INPUT before a resolver runs.
 */

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Normalises a plain decimal string, or returns undefined when the text is not one. */
export function normaliseDecimal(text: string): string | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = "0", fraction = ""] = match;
  const wholeDigits = whole.replace(/^0+(?=\d)/, "");
  const fractionDigits = fraction.replace(/0+$/, "");
  const isZero = /^0*$/.test(wholeDigits) && fractionDigits === "";
  const negative = sign === "-" && !isZero;
  return `${negative ? "-" : ""}${wholeDigits}${fractionDigits === "" ? "" : `.${fractionDigits}`}`;
}

function badDecimal(value: unknown): GraphQLError {
  const shown = typeof value === "string" ? `"${value.slice(0, 40)}"` : typeof value;
  return new GraphQLError(`Decimal must be a plain decimal string such as "0.0000025" (no exponent), got ${shown}`, {
    extensions: { code: "BAD_USER_INPUT" },
  });
}

function parseInput(value: unknown): string {
  if (typeof value === "string") {
    const normalised = normaliseDecimal(value.trim());
    if (normalised !== undefined) return normalised;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  throw badDecimal(value);
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description:
    'An exact decimal number as a string, e.g. "0.0000025" (USD per token) or "2.5" (USD per million tokens). Never a float; output has no exponent and no trailing zeros.',
  serialize(value) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "string") {
      const normalised = normaliseDecimal(value);
      if (normalised !== undefined) return normalised;
    }
    // An internal bug (a float or garbage reached a Decimal field): fail loudly rather than send a wrong price.
    throw new GraphQLError("Decimal field produced a value that is not an exact decimal string");
  },
  parseValue: parseInput,
  parseLiteral(node) {
    if (node.kind === Kind.STRING) return parseInput(node.value);
    if (node.kind === Kind.INT) return parseInput(node.value);
    throw badDecimal(node.kind === Kind.FLOAT ? `${node.value} (a float literal)` : node.kind);
  },
});
