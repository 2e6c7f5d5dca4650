/**
 * The wire form of PubSub payloads. JSON loses `bigint` (it throws) and `Date` (it becomes a string); amounts
 * are `bigint` pico-dollars and must stay exact, so both are tagged on the way out and restored on the way in.
 * The in-process PubSub passes values through untouched; the Redis one encodes with this.
 */
const BIGINT_TAG = "$bigint";
const DATE_TAG = "$date";

/** Encodes a payload as JSON text, bigints and dates tagged. */
export function encodePayload(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
    const original = this[key];
    if (typeof original === "bigint") return { [BIGINT_TAG]: original.toString() };
    if (original instanceof Date) return { [DATE_TAG]: original.toISOString() };
    return current;
  });
}

/** Decodes what `encodePayload` made; tagged values come back as `bigint` and `Date`. */
export function decodePayload(text: string): unknown {
  return JSON.parse(text, (_key, current: unknown) => {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return current;
    const record = current as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length !== 1) return current;
    if (typeof record[BIGINT_TAG] === "string") return BigInt(record[BIGINT_TAG]);
    if (typeof record[DATE_TAG] === "string") return new Date(record[DATE_TAG]);
    return current;
  });
}
