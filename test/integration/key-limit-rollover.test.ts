import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/billing/money.js";
import { rolledPeriods } from "../../src/billing/limit-period-watcher.js";
import type { FundedKey } from "../support/api-keys.js";
import { TEST_OPERATOR, createFundedKey } from "../support/api-keys.js";
import type { AccountEventsSubscriber } from "../support/account-events-subscriber.js";
import { subscribeToAccountEvents } from "../support/account-events-subscriber.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * A key's limit starts over when its period rolls over, with no operator involved: the watcher, at a UTC
 * boundary, announces `KeyLimitReset` (reason PERIOD) to the account's subscribers for exactly the keys whose
 * period started anew. Driven with chosen instants (a Sunday turning into Monday the 1st is rare), through
 * the gateway's own watcher and a graphql-ws subscriber on a real port.
 */
let gateway: TestGateway;
let owner: FundedKey;
let subscriber: AccountEventsSubscriber;
const hashes: Record<string, string> = {};

beforeAll(async () => {
  gateway = await startTestGateway();
  owner = await createFundedKey(gateway, { usd: "1", name: "rollover" });
  for (const reset of ["daily", "weekly", "monthly"] as const) {
    const { key } = await gateway.services.keys.create(TEST_OPERATOR, { accountId: owner.accountId, name: reset, spendLimit: parseUsd("2"), limitReset: reset });
    hashes[reset] = key.hash;
  }
  const lifetime = await gateway.services.keys.create(TEST_OPERATOR, { accountId: owner.accountId, name: "lifetime", spendLimit: parseUsd("2") });
  hashes.lifetime = lifetime.key.hash;
  subscriber = await subscribeToAccountEvents(gateway.url, owner.apiKey);
});

afterAll(async () => {
  await subscriber?.close();
  await gateway?.stop();
});

describe("key limit periods rolling over", () => {
  it.each([
    { name: "an ordinary midnight", from: "2026-12-08T23:59:59.900Z", to: "2026-12-09T00:00:00.050Z", rolled: ["daily"] },
    { name: "Sunday into Monday", from: "2026-12-06T23:59:59.900Z", to: "2026-12-07T00:00:00.050Z", rolled: ["daily", "weekly"] },
    { name: "Monday the 1st", from: "2027-02-28T23:59:59.900Z", to: "2027-03-01T00:00:00.050Z", rolled: ["daily", "weekly", "monthly"] },
    { name: "within one day", from: "2026-12-08T00:00:00.050Z", to: "2026-12-08T23:59:59.900Z", rolled: [] },
  ])("$name: resets exactly the keys of the periods that started anew", async ({ from, to, rolled }) => {
    expect(rolledPeriods(Date.parse(from), Date.parse(to))).toEqual(rolled);
    const before = subscriber.events.length;
    const announced = await gateway.services.limitPeriods.rollOver(Date.parse(from), Date.parse(to));
    expect(announced).toBe(rolled.length);
    // A grant after the rollover: once its event is here, every reset announced before it is here too.
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: owner.accountId, credits: parseUsd("0.01") });
    await subscriber.until((event) => event.__typename === "CreditsAdded");
    const resets = subscriber.events.slice(before).filter((event) => event.__typename === "KeyLimitReset");
    expect(resets.map((event) => event.keyHash).sort()).toEqual(rolled.map((reset) => hashes[reset]).sort());
    for (const event of resets) expect(event).toMatchObject({ reason: "PERIOD", newLimit: "2", accountId: owner.accountId });
    expect(resets.some((event) => event.keyHash === hashes.lifetime)).toBe(false);
  });
});
