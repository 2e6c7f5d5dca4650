import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import { ledgerEntries } from "../../src/db/schema/index.js";
import { manualClock } from "../support/manual-clock.js";
import type { ManualClock } from "../support/manual-clock.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import { accountServicesFor, fundedAccount, ledgerMismatches, moneyState } from "./ledger-test-kit.js";

/** What settle, release and the sweeper do to the money, one case at a time. */

let database: TestDatabase;
let services: AccountServices;
let clock: ManualClock;
const TTL_MS = 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
  clock = manualClock(Date.parse("2026-07-01T12:00:00Z"));
  services = accountServicesFor(database.handle.db, { clock, config: { RESERVATION_TTL_MS: String(TTL_MS) } });
});

afterAll(async () => {
  await database?.destroy();
});

describe("settle", () => {
  it("charges the actual cost (one usage entry), frees the reservation and counts the key's spend", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.3") });
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ balance: parseUsd("1"), reserved: parseUsd("0.3") });
    const settlement = await services.ledger.settle(reservation, parseUsd("0.000000123456"), {
      generationId: "gen-1",
      model: "openai/gpt-4o-mini",
      provider: "openai",
      metadata: { tokens_prompt: 10 },
    });
    expect(settlement).toMatchObject({ cost: parseUsd("0.000000123456"), overrun: 0n, reservationExpired: false });
    expect(settlement.balance).toBe(parseUsd("0.999999876544"));
    const [entry] = await database.handle.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, Number(settlement.ledgerEntryId)));
    expect(entry).toMatchObject({
      type: "usage",
      amount: -parseUsd("0.000000123456"),
      balanceAfter: settlement.balance,
      keyHash: account.keyHash,
      reservationId: reservation.id,
      generationId: "gen-1",
      model: "openai/gpt-4o-mini",
      description: "openai/gpt-4o-mini via openai",
      metadata: { tokens_prompt: 10, provider: "openai", reserved_usd: "0.3" },
    });
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: 0n, keyReserved: 0n, openReservations: 0n });
    const view = await services.keys.get(account.principal, account.keyHash);
    expect(view.spend.usage).toBe(parseUsd("0.000000123456"));
  });

  it("a cost above the reservation is charged in full and may take the balance negative; then every request is refused with 402, free ones too", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("0.10") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.10") });
    const settlement = await services.ledger.settle(reservation, parseUsd("0.15"));
    expect(settlement.balance).toBe(-parseUsd("0.05"));
    expect(settlement.overrun).toBe(parseUsd("0.05"));
    const free = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: 0n }).catch((error: unknown) => error);
    expect(free).toBeInstanceOf(PaymentRequiredError);
    expect((free as PaymentRequiredError).status).toBe(402);
    expect((free as PaymentRequiredError).message).toMatch(/negative/);
    await expect(services.ledger.assertAccountInGoodStanding(account.accountId)).rejects.toBeInstanceOf(PaymentRequiredError);
    const paid = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: 1n }).catch((error: unknown) => error);
    expect((paid as PaymentRequiredError).metadata).toMatchObject({ limit_source: "credits", affordable_usd: "0" });
    await services.credits.grant({ kind: "management", accountId: null, keyHash: "op" }, { accountId: account.accountId, credits: parseUsd("1") });
    await services.ledger.assertAccountInGoodStanding(account.accountId);
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });

  it("a free request (maxCost 0) holds nothing and a zero cost writes no entry", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: 0n });
    expect(reservation.amount).toBe(0n);
    const settlement = await services.ledger.settle(reservation, 0n, { model: "meta/llama:free" });
    expect(settlement).toMatchObject({ ledgerEntryId: null, cost: 0n, balance: 0n });
  });

  it("settling twice is harmless with the same cost and refused with another", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.2") });
    const first = await services.ledger.settle(reservation, parseUsd("0.1"));
    const again = await services.ledger.settle(reservation, parseUsd("0.1"));
    expect(again.ledgerEntryId).toBe(first.ledgerEntryId);
    await expect(services.ledger.settle(reservation, parseUsd("0.2"))).rejects.toMatchObject({ status: 500 });
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ balance: parseUsd("0.9"), reserved: 0n });
  });
});

describe("release", () => {
  it("gives the whole reservation back, once", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.7") });
    await services.ledger.release(reservation);
    await services.ledger.release(reservation);
    expect(await moneyState(database.handle.db, account.accountId)).toEqual({
      balance: parseUsd("1"),
      reserved: 0n,
      ledgerSum: parseUsd("1"),
      openReservations: 0n,
      keyReserved: 0n,
    });
  });
});

describe("expired reservations", () => {
  it("are reclaimed by the sweeper; a late settlement still charges, without releasing twice", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.4") });
    clock.advance(TTL_MS - 1);
    expect((await services.ledger.reclaimExpired()).count).toBe(0);
    clock.advance(2);
    const reclaimed = await services.ledger.reclaimExpired();
    expect(reclaimed.count).toBeGreaterThanOrEqual(1);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: 0n, keyReserved: 0n, openReservations: 0n });
    const late = await services.ledger.settle(reservation, parseUsd("0.25"));
    expect(late.reservationExpired).toBe(true);
    expect(await moneyState(database.handle.db, account.accountId)).toEqual({
      balance: parseUsd("0.75"),
      reserved: 0n,
      ledgerSum: parseUsd("0.75"),
      openReservations: 0n,
      keyReserved: 0n,
    });
  });

  it("are reclaimed on demand when a reservation would otherwise be refused", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("1") });
    await expect(services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.5") })).rejects.toBeInstanceOf(
      PaymentRequiredError,
    );
    clock.advance(TTL_MS + 1);
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.5") });
    expect(reservation.amount).toBe(parseUsd("0.5"));
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: parseUsd("0.5"), openReservations: parseUsd("0.5") });
  });

  it("the billing sweeper reclaims them periodically", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.3") });
    clock.advance(TTL_MS + 1);
    const swept = await services.sweeper.sweep();
    expect(swept.reclaimed).toBeGreaterThanOrEqual(1);
    expect(await moneyState(database.handle.db, account.accountId)).toMatchObject({ reserved: 0n });
  });
});

describe("the ledger is append-only", () => {
  it("refuses UPDATE and DELETE of entries", async () => {
    await fundedAccount(services, { credits: parseUsd("1") });
    await expect(database.handle.db.execute(sql`update ledger_entries set amount = amount + 1`)).rejects.toThrow();
    await expect(database.handle.db.execute(sql`delete from ledger_entries`)).rejects.toThrow();
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });
});
