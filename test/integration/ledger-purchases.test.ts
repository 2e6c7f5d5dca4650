import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import type { Principal } from "../../src/auth/principal.js";
import { InProcessPaymentProvider } from "../../src/billing/in-process-payment-provider.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import { autoTopUps, ledgerEntries, payments } from "../../src/db/schema/index.js";
import { manualClock } from "../support/manual-clock.js";
import type { ManualClock } from "../support/manual-clock.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import type { FundedAccount } from "./ledger-test-kit.js";
import { OPERATOR, accountServicesFor, fundedAccount, ledgerMismatches, moneyState } from "./ledger-test-kit.js";

/**
 * Money coming in: purchases through the payment provider with the 5.5% / $0.80 platform fee and volume
 * tiers, recorded in the ledger; refunds; auto top-up bought once however many settlements cross the
 * threshold, failed payments recorded and retried with backoff.
 */

let database: TestDatabase;
let services: AccountServices;
let clock: ManualClock;
let provider: InProcessPaymentProvider;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 20 });
  clock = manualClock(Date.parse("2026-08-10T12:00:00Z"));
  provider = new InProcessPaymentProvider();
  services = accountServicesFor(database.handle.db, {
    clock,
    paymentProvider: provider,
    config: { VOLUME_DISCOUNT_TIERS: "1000:0.05,5000:0.04", AUTO_TOP_UP_RETRY_BASE_MS: "60000", AUTO_TOP_UP_MAX_FAILURES: "3" },
  });
});

afterAll(async () => {
  await database?.destroy();
});

async function entriesOf(accountId: string): Promise<Array<{ type: string; amount: bigint }>> {
  const rows = await database.handle.db
    .select({ type: ledgerEntries.type, amount: ledgerEntries.amount })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.accountId, accountId))
    .orderBy(asc(ledgerEntries.id));
  return rows;
}

/** One auto top-up booked: the balance and its ledger agree, one top-up entry of `charged`, the claim freed. */
async function expectToppedUpOnce(accountId: string, expected: { balance: bigint; charged: bigint }): Promise<void> {
  const state = await moneyState(database.handle.db, accountId);
  expect(state.balance).toBe(expected.balance);
  expect(state.balance).toBe(state.ledgerSum);
  expect((await entriesOf(accountId)).filter((entry) => entry.type === "auto_top_up")).toEqual([{ type: "auto_top_up", amount: expected.charged }]);
  const [settings] = await database.handle.db.select().from(autoTopUps).where(eq(autoTopUps.accountId, accountId));
  expect(settings).toMatchObject({ claimedAt: null, failures: 0 });
}

function asKey(account: FundedAccount): Principal {
  return account.principal;
}

describe("purchases", () => {
  it("charge credits plus 5.5%, add exactly the credits, and record payment and fee in the ledger", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    const result = await services.credits.purchase(asKey(account), { credits: parseUsd("100") });
    expect(result.fee).toMatchObject({ standardFee: parseUsd("5.5"), fee: parseUsd("5.5"), discount: 0n });
    expect(result.payment).toMatchObject({ status: "succeeded", credits: parseUsd("100"), fee: parseUsd("5.5"), charged: parseUsd("105.5") });
    expect(provider.charges.get(result.payment.id)?.amount).toBe(parseUsd("105.5"));
    expect(result.balance).toBe(parseUsd("100"));
    expect(await entriesOf(account.accountId)).toEqual([
      { type: "purchase", amount: parseUsd("105.5") },
      { type: "platform_fee", amount: -parseUsd("5.5") },
    ]);
    expect(await services.ledger.totalPurchased(account.accountId)).toBe(parseUsd("100"));
  });

  it("pay the $0.80 minimum fee on small purchases", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    const result = await services.credits.purchase(asKey(account), { credits: parseUsd("5") });
    expect(result.payment.charged).toBe(parseUsd("5.8"));
    expect(result.balance).toBe(parseUsd("5"));
  });

  it("apply the volume tier the month's purchases reach, and record the discount as its own entry", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    await services.credits.purchase(asKey(account), { credits: parseUsd("600") });
    const second = await services.credits.purchase(asKey(account), { credits: parseUsd("500") });
    expect(second.fee).toMatchObject({ standardFee: parseUsd("27.5"), fee: parseUsd("25"), discount: parseUsd("2.5") });
    expect((await entriesOf(account.accountId)).slice(-3)).toEqual([
      { type: "purchase", amount: parseUsd("525") },
      { type: "platform_fee", amount: -parseUsd("27.5") },
      { type: "volume_discount", amount: parseUsd("2.5") },
    ]);
    expect(second.balance).toBe(parseUsd("1100"));
    // A new month starts the volume over.
    clock.set(Date.parse("2026-09-01T00:00:00Z"));
    const september = await services.credits.purchase(asKey(account), { credits: parseUsd("100") });
    expect(september.fee.discount).toBe(0n);
    clock.set(Date.parse("2026-08-10T12:00:00Z"));
  });

  it("a declined payment is recorded as failed, answered 402, and changes no balance", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    provider.failNext(1, "Card declined (test)");
    const error = await services.credits.purchase(asKey(account), { credits: parseUsd("10") }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 402, message: "Payment failed: Card declined (test)" });
    const rows = await database.handle.db.select().from(payments).where(eq(payments.accountId, account.accountId));
    expect(rows).toMatchObject([{ status: "failed", error: "Card declined (test)" }]);
    expect(await entriesOf(account.accountId)).toEqual([]);
    expect((await moneyState(database.handle.db, account.accountId)).balance).toBe(0n);
  });

  it("refuses amounts that are not positive", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    await expect(services.credits.purchase(asKey(account), { credits: 0n })).rejects.toMatchObject({ status: 400 });
  });
});

describe("refunds (operators only)", () => {
  it("return credits of a payment, not its fee, never more than was bought, never reserved funds", async () => {
    const account = await fundedAccount(services, { credits: 0n });
    const bought = await services.credits.purchase(asKey(account), { credits: parseUsd("50") });
    await expect(services.credits.refund(asKey(account), { paymentId: bought.payment.id })).rejects.toMatchObject({ status: 403 });
    const partial = await services.credits.refund(OPERATOR, { paymentId: bought.payment.id, credits: parseUsd("20") });
    expect(partial.balance).toBe(parseUsd("30"));
    expect(provider.charges.get(bought.payment.id)?.refunded).toBe(parseUsd("20"));
    await expect(services.credits.refund(OPERATOR, { paymentId: bought.payment.id, credits: parseUsd("31") })).rejects.toMatchObject({ status: 400 });
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("25") });
    await expect(services.credits.refund(OPERATOR, { paymentId: bought.payment.id })).rejects.toMatchObject({ status: 400 });
    await services.ledger.release(reservation);
    const rest = await services.credits.refund(OPERATOR, { paymentId: bought.payment.id });
    expect(rest.balance).toBe(0n);
    expect(await services.ledger.totalPurchased(account.accountId)).toBe(0n);
    expect((await entriesOf(account.accountId)).map((entry) => entry.type)).toEqual(["purchase", "platform_fee", "refund", "refund"]);
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  });
});

describe("auto top-up", () => {
  it("buys once when many concurrent settlements cross the threshold", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("6") });
    await services.autoTopUp.configure(asKey(account), { enabled: true, threshold: parseUsd("5"), amount: parseUsd("20") });
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.1") });
        await services.ledger.settle(reservation, parseUsd("0.05"));
      }),
    );
    await services.autoTopUp.idle();
    const topUps = await database.handle.db
      .select()
      .from(payments)
      .where(and(eq(payments.accountId, account.accountId), eq(payments.kind, "auto_top_up")));
    expect(topUps).toHaveLength(1);
    expect(topUps[0]).toMatchObject({ status: "succeeded", credits: parseUsd("20"), fee: parseUsd("1.1") });
    await expectToppedUpOnce(account.accountId, { balance: parseUsd("6") - parseUsd("2") + parseUsd("20"), charged: parseUsd("21.1") });
  });

  it("records a failed payment and retries with exponential backoff until it succeeds", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("2") });
    await services.autoTopUp.configure(OPERATOR, { accountId: account.accountId, enabled: true, threshold: parseUsd("1"), amount: parseUsd("10") });
    provider.failNext(2, "Insufficient funds (test)");
    const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("1.5") });
    await services.ledger.settle(reservation, parseUsd("1.5"));
    await services.autoTopUp.idle();
    let [settings] = await database.handle.db.select().from(autoTopUps).where(eq(autoTopUps.accountId, account.accountId));
    expect(settings).toMatchObject({ failures: 1, claimedAt: null, lastError: "Insufficient funds (test)" });
    expect(settings?.nextAttemptAt?.getTime()).toBe(clock.now() + 60_000);

    // Not due yet: further settlements and sweeps do not buy.
    clock.advance(59_000);
    const early = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("0.1") });
    await services.ledger.settle(early, parseUsd("0.1"));
    expect(await services.autoTopUp.retryDue()).toBe(0);
    await services.autoTopUp.idle();

    clock.advance(1_000);
    expect(await services.autoTopUp.retryDue()).toBe(1);
    await services.autoTopUp.idle();
    [settings] = await database.handle.db.select().from(autoTopUps).where(eq(autoTopUps.accountId, account.accountId));
    expect(settings).toMatchObject({ failures: 2 });
    expect(settings?.nextAttemptAt?.getTime()).toBe(clock.now() + 120_000);

    clock.advance(120_000);
    expect(await services.autoTopUp.retryDue()).toBe(1);
    await services.autoTopUp.idle();
    [settings] = await database.handle.db.select().from(autoTopUps).where(eq(autoTopUps.accountId, account.accountId));
    expect(settings).toMatchObject({ failures: 0, nextAttemptAt: null, lastError: null });
    const attempts = await database.handle.db
      .select({ status: payments.status, attempt: payments.attempt })
      .from(payments)
      .where(eq(payments.accountId, account.accountId))
      .orderBy(asc(payments.createdAt), asc(payments.attempt));
    expect(attempts).toEqual([
      { status: "failed", attempt: 1 },
      { status: "failed", attempt: 2 },
      { status: "succeeded", attempt: 3 },
    ]);
    expect((await moneyState(database.handle.db, account.accountId)).balance).toBe(parseUsd("2") - parseUsd("1.6") + parseUsd("10"));
  });

  it.each([
    ["after the provider charged it", true],
    ["before the provider was called", false],
  ])("finishes a payment left pending by an instance that died %s, under the same id, charging once", async (_when, chargedBeforeDeath) => {
    // The instance that dies: its payment call never returns (the process is gone before it books anything),
    // after the provider took the money or before it was reached.
    const dying = accountServicesFor(database.handle.db, {
      clock,
      paymentProvider: {
        name: provider.name,
        async charge(request) {
          if (chargedBeforeDeath) await provider.charge(request);
          return new Promise<never>(() => {});
        },
        refund: (request) => provider.refund(request),
      },
      config: { VOLUME_DISCOUNT_TIERS: "1000:0.05,5000:0.04", AUTO_TOP_UP_RETRY_BASE_MS: "60000", AUTO_TOP_UP_MAX_FAILURES: "3" },
    });
    const account = await fundedAccount(services, { credits: parseUsd("2") });
    await services.autoTopUp.configure(OPERATOR, { accountId: account.accountId, enabled: true, threshold: parseUsd("1"), amount: parseUsd("10") });
    const chargesOf = () => [...provider.charges.values()].filter((charge) => charge.accountId === account.accountId);
    const paymentsOf = () => database.handle.db.select().from(payments).where(eq(payments.accountId, account.accountId));
    const reservation = await dying.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("1.5") });
    await dying.ledger.settle(reservation, parseUsd("1.5"));
    for (let waited = 0; (await paymentsOf()).length === 0 || (chargedBeforeDeath && chargesOf().length === 0); waited += 1) {
      if (waited > 200) throw new Error("the dying instance never started its payment");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [left] = await paymentsOf();
    expect(left).toMatchObject({ status: "pending", kind: "auto_top_up" });
    expect(chargesOf()).toHaveLength(chargedBeforeDeath ? 1 : 0);

    // Its claim is held: nothing happens until the claim goes stale (5 minutes).
    expect(await services.autoTopUp.retryDue()).toBe(0);
    clock.advance(300_001);
    expect(await services.autoTopUp.retryDue()).toBe(1);
    await services.autoTopUp.idle();

    const after = await paymentsOf();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: left!.id, status: "succeeded", credits: parseUsd("10"), fee: parseUsd("0.8"), charged: parseUsd("10.8") });
    const charges = chargesOf();
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ paymentId: left!.id, amount: parseUsd("10.8"), providerPaymentId: after[0]!.providerPaymentId });
    await expectToppedUpOnce(account.accountId, { balance: parseUsd("2") - parseUsd("1.5") + parseUsd("10"), charged: parseUsd("10.8") });
    // Booked once: later sweeps find nothing to finish.
    expect(await services.autoTopUp.retryDue()).toBe(0);
  });

  it("a limited API key cannot configure it", async () => {
    const account = await fundedAccount(services, { credits: 0n, spendLimit: parseUsd("1") });
    const limited: Principal = { ...account.principal, key: { name: "k", label: "l", spendLimit: parseUsd("1"), limitReset: null, includeByokInLimit: false, expiresAt: null, creatorUserId: null } };
    await expect(services.autoTopUp.configure(limited, { enabled: true, threshold: 1n, amount: 1n })).rejects.toMatchObject({ status: 403 });
  });

  it("a refused reservation is a 402, not a top-up trigger", async () => {
    const account = await fundedAccount(services, { credits: parseUsd("1") });
    await services.autoTopUp.configure(asKey(account), { enabled: true, threshold: parseUsd("0.5"), amount: parseUsd("5") });
    await expect(services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: parseUsd("2") })).rejects.toBeInstanceOf(
      PaymentRequiredError,
    );
    await services.autoTopUp.idle();
    expect(await database.handle.db.select().from(payments).where(eq(payments.accountId, account.accountId))).toEqual([]);
  });
});
