import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload } from "../../../src/pubsub/pubsub-codec.js";

/** Payloads cross Redis as JSON: amounts (bigint pico-dollars) and dates must come back exactly as sent. */
describe("the pub/sub payload codec", () => {
  it.each([
    { name: "an amount beyond 2^53", value: { cost: 9_007_199_254_740_993n } },
    { name: "a negative amount and zero", value: { balance: -125n, reserved: 0n } },
    { name: "a date", value: { changedAt: new Date("2026-12-07T23:59:59.999Z") } },
    { name: "nested values and arrays", value: { events: [{ amount: 1n }, { at: new Date(0) }], label: "x", count: 3, flag: true, none: null } },
    { name: "an object that merely looks tagged but has more keys", value: { $bigint: "1", other: 2 } },
  ])("round-trips $name", ({ value }) => {
    expect(decodePayload(encodePayload(value))).toEqual(value);
  });

  it("restores bigint and Date types, not strings", () => {
    const decoded = decodePayload(encodePayload({ amount: 5n, at: new Date(1000) })) as { amount: unknown; at: unknown };
    expect(typeof decoded.amount).toBe("bigint");
    expect(decoded.at).toBeInstanceOf(Date);
  });
});
