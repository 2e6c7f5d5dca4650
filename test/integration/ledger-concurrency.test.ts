import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import type { Reservation } from "../../src/billing/ledger-service.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import type { MoneyState } from "./ledger-test-kit.js";
import { accountServicesFor, fundedAccount, ledgerMismatches, moneyState } from "./ledger-test-kit.js";

/**
 * The reservation race: 200 requests at once against credit for exactly 50. Runs on PGlite, and on real
 * Postgres when DATABASE_URL is set (concurrent connections from a pool: the conditional updates are what
 * keeps the count exact).
 */

const COST = parseUsd("0.013");
let database: TestDatabase;
let services: AccountServices;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 20 });
  services = accountServicesFor(database.handle.db);
});

afterAll(async () => {
  await database?.destroy();
});

/** Samples the account's money state until stopped: the balance must never be seen below zero. */
function watch(accountId: string): { stop(): Promise<MoneyState[]> } {
  const samples: MoneyState[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await moneyState(database.handle.db, accountId));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

describe(`200 concurrent reservations on ${process.env.DATABASE_URL ? "Postgres" : "PGlite"}`, () => {
  it("exactly 50 succeed against credit for exactly 50, the balance never goes below zero, and the ledger sums to the balance", async () => {
    const account = await fundedAccount(services, { credits: COST * 50n });
    const watcher = watch(account.accountId);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () => services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: COST })),
    );
    const reserved = outcomes.filter((outcome): outcome is PromiseFulfilledResult<Reservation> => outcome.status === "fulfilled").map((o) => o.value);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected").map((o) => o.reason as unknown);
    expect(reserved).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(PaymentRequiredError);
      expect((reason as PaymentRequiredError).status).toBe(402);
      expect((reason as PaymentRequiredError).metadata).toMatchObject({ limit_source: "credits", affordable_usd: "0" });
    }
    const full = await moneyState(database.handle.db, account.accountId);
    expect(full).toMatchObject({ balance: COST * 50n, reserved: COST * 50n, openReservations: COST * 50n, keyReserved: COST * 50n });

    // Settle all 50 at once, some below and some at the reserved amount.
    const settlements = await Promise.all(
      reserved.map((reservation, index) => services.ledger.settle(reservation, index % 2 === 0 ? COST : COST - 1n, { model: "test/model" })),
    );
    const samples = await watcher.stop();
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.balance).toBeGreaterThanOrEqual(0n);
      expect(sample.balance - sample.reserved).toBeGreaterThanOrEqual(0n);
      expect(sample.balance).toBe(sample.ledgerSum);
    }
    expect(new Set(settlements.map((settlement) => settlement.ledgerEntryId)).size).toBe(50);
    const after = await moneyState(database.handle.db, account.accountId);
    expect(after).toEqual({ balance: 25n, reserved: 0n, ledgerSum: 25n, openReservations: 0n, keyReserved: 0n });
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });

  it("a key limit holds the same way: 200 at once against a key allowed exactly 50", async () => {
    const account = await fundedAccount(services, { credits: COST * 500n, spendLimit: COST * 50n, limitReset: "daily" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () => services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: COST })),
    );
    const reserved = outcomes.filter((outcome): outcome is PromiseFulfilledResult<Reservation> => outcome.status === "fulfilled").map((o) => o.value);
    expect(reserved).toHaveLength(50);
    const refusal = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
    expect((refusal.reason as PaymentRequiredError).metadata).toMatchObject({ limit_source: "key_limit", affordable_usd: "0" });
    await Promise.all(reserved.map((reservation) => services.ledger.settle(reservation, COST)));
    const view = await services.keys.get(account.principal, account.keyHash);
    expect(view.spend.usageDaily).toBe(COST * 50n);
    expect(view.limitRemaining).toBe(0n);
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });

  it("reservations, settlements and releases interleaved at random keep the invariant", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const work = Array.from({ length: 120 }, async (_, index) => {
      try {
        const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.02") });
        if (index % 3 === 0) await services.ledger.release(reservation);
        else await services.ledger.settle(reservation, parseUsd(index % 3 === 1 ? "0.015" : "0.025"));
      } catch (error) {
        if (!(error instanceof PaymentRequiredError)) throw error;
      }
    });
    await Promise.all(work);
    const state = await moneyState(database.handle.db, account.accountId);
    expect(state.reserved).toBe(0n);
    expect(state.keyReserved).toBe(0n);
    expect(state.balance).toBe(state.ledgerSum);
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });
});
