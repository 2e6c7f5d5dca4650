import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import { loadConfig, reservationRenewMs } from "../../src/config/config.js";
import { StartupError } from "../../src/core/errors.js";
import { ledgerEntries } from "../../src/db/schema/index.js";
import { manualClock } from "../support/manual-clock.js";
import type { ManualClock } from "../support/manual-clock.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import { accountServicesFor, fundedAccount, moneyState } from "./ledger-test-kit.js";

/**
 * Reservations held by live work never expire: the instance renews them while it lives, so the sweep only
 * reclaims what a dead instance left. Should one be reclaimed anyway (the instance was paused or cut off
 * past the TTL), renewal takes it again, or revokes it when the balance no longer covers it.
 */

let database: TestDatabase;
let services: AccountServices;
let clock: ManualClock;
const TTL_MS = 10_000;

beforeAll(async () => {
  database = await createTestDatabase();
  clock = manualClock(Date.parse("2026-07-01T12:00:00Z"));
  services = accountServicesFor(database.handle.db, { clock, config: { RESERVATION_TTL_MS: String(TTL_MS) } });
});

afterAll(async () => {
  await database?.destroy();
});

describe("reservation renewal", () => {
  it("keeps a reservation in use from expiring for as long as it is renewed, then settles it normally", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.4") });
    // Ten TTLs of work, renewed a few times per TTL as the sweeper's timer does.
    for (let step = 0; step < 40; step += 1) {
      clock.advance(TTL_MS / 4);
      expect((await services.sweeper.renew()).renewed).toBeGreaterThanOrEqual(1);
      expect((await services.ledger.reclaimExpired({ accountId: account.accountId })).count).toBe(0);
    }
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: parseUsd("0.4"), openReservations: parseUsd("0.4") });
    const settlement = await services.ledger.settle(reservation, parseUsd("0.1"));
    expect(settlement.reservationExpired).toBe(false);
    expect(await moneyState(database.handle.db, account.accountId)).toEqual({
      balance: parseUsd("0.9"),
      reserved: 0n,
      ledgerSum: parseUsd("0.9"),
      openReservations: 0n,
      keyReserved: 0n,
    });
    // Settled reservations are no longer renewed.
    expect((await services.ledger.renewHeld()).renewed).toBe(0);
  });

  it("a reservation the sweep took from live work is taken again, and its settlement charges once", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.4") });
    clock.advance(TTL_MS + 1);
    expect((await services.ledger.reclaimExpired({ accountId: account.accountId })).count).toBe(1);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: 0n });

    const outcome = await services.ledger.renewHeld();
    expect(outcome).toMatchObject({ retaken: 1, revoked: 0 });
    expect(reservation.revoked.aborted).toBe(false);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: parseUsd("0.4"), keyReserved: parseUsd("0.4") });
    // Meanwhile the account can only reserve what the retaken hold leaves.
    await expect(services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.7") })).rejects.toBeInstanceOf(PaymentRequiredError);

    const settlement = await services.ledger.settle(reservation, parseUsd("0.3"));
    expect(settlement.reservationExpired).toBe(false);
    // A retried settlement is still recognised as the same one (the entry carries the id its holder knows).
    const again = await services.ledger.settle(reservation, parseUsd("0.3"));
    expect(again.ledgerEntryId).toBe(settlement.ledgerEntryId);
    const entries = await database.handle.db.select().from(ledgerEntries).where(eq(ledgerEntries.reservationId, reservation.id));
    expect(entries).toHaveLength(1);
    expect(await moneyState(database.handle.db, account.accountId)).toEqual({
      balance: parseUsd("0.7"),
      reserved: 0n,
      ledgerSum: parseUsd("0.7"),
      openReservations: 0n,
      keyReserved: 0n,
    });
  });

  it("a reservation the sweep took whose funds another request then held is revoked: its signal fires", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const first = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.8") });
    clock.advance(TTL_MS + 1);
    await services.ledger.reclaimExpired({ accountId: account.accountId });
    const second = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.9") });

    const outcome = await services.ledger.renewHeld();
    expect(outcome.revoked).toBe(1);
    expect(first.revoked.aborted).toBe(true);
    expect(first.revoked.reason).toBeInstanceOf(PaymentRequiredError);
    expect(second.revoked.aborted).toBe(false);
    // Revoked reservations are no longer tracked; the live one still is.
    expect((await services.ledger.renewHeld()).revoked).toBe(0);
    await services.ledger.release(first);
    await services.ledger.release(second);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ balance: parseUsd("1"), reserved: 0n, openReservations: 0n });
  });

  it("a lease's reservation is renewed at the amount it still holds, and forgotten once charged in full", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const lease = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.5") });
    await services.ledger.chargeLease(lease, [{ cost: parseUsd("0.2"), generationId: "g-lease-1", model: "m", provider: "p", description: "m via p" }]);
    clock.advance(TTL_MS + 1);
    await services.ledger.reclaimExpired({ accountId: account.accountId });
    expect(await services.ledger.renewHeld()).toMatchObject({ retaken: 1 });
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: parseUsd("0.3"), openReservations: parseUsd("0.3") });
    await services.ledger.chargeLease(lease, [{ cost: parseUsd("0.3"), generationId: "g-lease-2", model: "m", provider: "p", description: "m via p" }]);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ balance: parseUsd("0.5"), reserved: 0n, openReservations: 0n, ledgerSum: parseUsd("0.5") });
    expect((await services.ledger.renewHeld()).renewed).toBe(0);
  });
});

describe("reservation timings", () => {
  it("renew a quarter of the TTL by default, and refuse a renewal too rare to keep a reservation alive", () => {
    const defaults = loadConfig({});
    expect(defaults.RESERVATION_TTL_MS + defaults.BILLING_SWEEP_MS).toBeLessThanOrEqual(30_000);
    expect(reservationRenewMs(defaults)).toBe(defaults.RESERVATION_TTL_MS / 4);
    expect(reservationRenewMs(loadConfig({ RESERVATION_TTL_MS: "1000" }))).toBe(250);
    expect(() => loadConfig({ RESERVATION_TTL_MS: "1000", RESERVATION_RENEW_MS: "600" })).toThrow(StartupError);
    expect(() => loadConfig({ RESERVATION_TTL_MS: "1000", RESERVATION_RENEW_MS: "600" })).toThrow(/RESERVATION_RENEW_MS \(600\) must be at most half of RESERVATION_TTL_MS \(1000\)/);
    expect(loadConfig({ RESERVATION_TTL_MS: "1000", RESERVATION_RENEW_MS: "500" }).RESERVATION_RENEW_MS).toBe(500);
  });
});
