import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import type { LimitReset } from "../../src/db/schema/index.js";
import { manualClock } from "../support/manual-clock.js";
import type { ManualClock } from "../support/manual-clock.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import type { FundedAccount } from "./ledger-test-kit.js";
import { accountServicesFor, fundedAccount } from "./ledger-test-kit.js";

/**
 * Key spend limits start over at 00:00 UTC: every day (daily), on Mondays (weekly) and on the 1st (monthly),
 * checked with an injected clock stepping across the boundaries.
 */

const DOLLAR = parseUsd("1");
let database: TestDatabase;
let services: AccountServices;
let clock: ManualClock;

beforeAll(async () => {
  database = await createTestDatabase();
  clock = manualClock(Date.parse("2026-03-01T12:00:00Z"));
  services = accountServicesFor(database.handle.db, { clock, config: { RESERVATION_TTL_MS: "3600000" } });
});

afterAll(async () => {
  await database?.destroy();
});

async function spend(account: FundedAccount, cost: bigint): Promise<void> {
  const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: cost });
  await services.ledger.settle(reservation, cost);
}

async function refusal(account: FundedAccount, cost: bigint): Promise<PaymentRequiredError> {
  const error = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: cost }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PaymentRequiredError);
  return error as PaymentRequiredError;
}

async function limitedAccount(limitReset: LimitReset | null): Promise<FundedAccount> {
  return fundedAccount(services, { credits: parseUsd("100"), spendLimit: DOLLAR, limitReset });
}

describe("key limit periods with an injected clock", () => {
  it("daily: exhausted at 23:59 UTC, available again at 00:00 UTC", async () => {
    clock.set(Date.parse("2026-03-03T23:59:00Z"));
    const account = await limitedAccount("daily");
    await spend(account, DOLLAR);
    const refused = await refusal(account, 1n);
    expect(refused.limitSource).toBe("key_limit");
    expect(refused.affordable).toBe(0n);
    expect(refused.message).toMatch(/spend limit/);
    const before = await services.keys.get(account.principal, account.keyHash);
    expect(before.limitRemaining).toBe(0n);
    expect(before.limitResetsAt?.toISOString()).toBe("2026-03-04T00:00:00.000Z");

    clock.set(Date.parse("2026-03-04T00:00:00Z"));
    const after = await services.keys.get(account.principal, account.keyHash);
    expect(after.spend).toMatchObject({ usageDaily: 0n, usageWeekly: DOLLAR, usageMonthly: DOLLAR, usage: DOLLAR });
    expect(after.limitRemaining).toBe(DOLLAR);
    await spend(account, DOLLAR);
    expect((await services.keys.get(account.principal, account.keyHash)).spend.usageDaily).toBe(DOLLAR);
  });

  it("weekly: weeks start on Monday, so Saturday to Sunday keeps the spend and Sunday to Monday resets it", async () => {
    clock.set(Date.parse("2026-02-28T10:00:00Z")); // a Saturday
    const account = await limitedAccount("weekly");
    await spend(account, DOLLAR);
    clock.set(Date.parse("2026-03-01T00:00:01Z")); // Sunday: same week
    expect((await refusal(account, 1n)).limitSource).toBe("key_limit");
    expect((await services.keys.get(account.principal, account.keyHash)).limitResetsAt?.toISOString()).toBe("2026-03-02T00:00:00.000Z");
    clock.set(Date.parse("2026-03-01T23:59:59.999Z"));
    expect((await refusal(account, 1n)).limitSource).toBe("key_limit");
    clock.set(Date.parse("2026-03-02T00:00:00Z")); // Monday
    await spend(account, DOLLAR);
  });

  it("monthly: the 31st keeps the spend, the 1st resets it", async () => {
    clock.set(Date.parse("2026-01-15T08:00:00Z"));
    const account = await limitedAccount("monthly");
    await spend(account, parseUsd("0.6"));
    clock.set(Date.parse("2026-01-31T23:00:00Z"));
    const refused = await refusal(account, parseUsd("0.5"));
    expect(refused.affordable).toBe(parseUsd("0.4"));
    expect(refused.metadata).toMatchObject({ affordable_usd: "0.4", limit_source: "key_limit" });
    clock.set(Date.parse("2026-02-01T00:00:00Z"));
    await spend(account, DOLLAR);
  });

  it("no reset: a lifetime limit never starts over", async () => {
    clock.set(Date.parse("2026-04-01T00:00:00Z"));
    const account = await limitedAccount(null);
    await spend(account, DOLLAR);
    clock.set(Date.parse("2027-04-01T00:00:00Z"));
    expect((await refusal(account, 1n)).limitSource).toBe("key_limit");
    expect((await services.keys.get(account.principal, account.keyHash)).limitResetsAt).toBeNull();
  });

  it("a settlement from an instance whose clock is still in the previous day counts toward the current day", async () => {
    clock.set(Date.parse("2026-05-05T00:00:05Z"));
    const account = await limitedAccount("daily");
    await spend(account, parseUsd("0.5"));
    clock.set(Date.parse("2026-05-04T23:59:59Z")); // a slightly late clock elsewhere
    await spend(account, parseUsd("0.3"));
    clock.set(Date.parse("2026-05-05T00:00:10Z"));
    expect((await services.keys.get(account.principal, account.keyHash)).spend.usageDaily).toBe(parseUsd("0.8"));
  });

  it("the tighter of key limit and credits decides, and says which", async () => {
    clock.set(Date.parse("2026-06-10T12:00:00Z"));
    const poor = await fundedAccount(services, { credits: parseUsd("0.25"), spendLimit: DOLLAR, limitReset: "daily" });
    const refused = await refusal(poor, parseUsd("0.5"));
    expect(refused.metadata).toMatchObject({ limit_source: "credits", affordable_usd: "0.25", requested_usd: "0.5" });
  });
});
