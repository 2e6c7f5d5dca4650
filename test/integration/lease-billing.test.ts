import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { parseUsd } from "../../src/billing/money.js";
import { createLeaseBilling } from "../../src/completions/lease-billing.js";
import { createLedgerBilling } from "../../src/completions/ledger-billing.js";
import type { CompletionBilling, HeldFunds } from "../../src/completions/completion-ports.js";
import { GatewayError } from "../../src/core/errors.js";
import { creditBalances, ledgerEntries, reservations } from "../../src/db/schema/index.js";
import { createFundedKey } from "../support/api-keys.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Credit leases: holds taken in memory from a lease (a real ledger reservation), charges written in batches,
 * one ledger entry per generation, and never more held than the balance allows.
 */
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

async function fundedPrincipal(usd: string): Promise<Principal> {
  const key = await createFundedKey(gateway, { usd });
  return { kind: "api", accountId: key.accountId, keyHash: key.keyHash };
}

function leaseBilling(leaseUsd: string, idleMs = 60_000): CompletionBilling {
  const ledger = gateway.services.ledger;
  return createLeaseBilling({ ledger, strict: createLedgerBilling(ledger), leaseSize: parseUsd(leaseUsd), flushMs: 5, idleMs, maxAgeMs: 60_000 });
}

async function figures(accountId: string) {
  const db = gateway.services.database.db;
  const [balance] = await db.select().from(creditBalances).where(eq(creditBalances.accountId, accountId));
  const entries = await db.select().from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId));
  const held = await db.select().from(reservations).where(eq(reservations.accountId, accountId));
  return { balance, entries, held, ledgerSum: entries.reduce((sum, entry) => sum + entry.amount, 0n) };
}

describe("lease billing", () => {
  it("takes many holds from one reservation and writes one exact usage entry per generation", async () => {
    const principal = await fundedPrincipal("10");
    const billing = leaseBilling("1");
    const holds: HeldFunds[] = [];
    for (let index = 0; index < 20; index += 1) holds.push(await billing.hold(principal, parseUsd("0.01")));
    const during = await figures(principal.accountId ?? "");
    expect(during.held).toHaveLength(1);
    expect(during.balance?.reserved).toBe(parseUsd("1"));

    for (const [index, hold] of holds.entries()) {
      await billing.settle(hold, parseUsd("0.000123") + BigInt(index), { generationId: `gen-lease-${index}`, model: "m", provider: "p" });
    }
    await billing.flush?.();
    const after = await figures(principal.accountId ?? "");
    const usage = after.entries.filter((entry) => entry.type === "usage");
    expect(usage).toHaveLength(20);
    for (const [index] of holds.entries()) {
      expect(usage.find((entry) => entry.generationId === `gen-lease-${index}`)?.amount).toBe(-(parseUsd("0.000123") + BigInt(index)));
    }
    expect(after.balance?.balance).toBe(after.ledgerSum);
    // The lease still holds what was not charged.
    const charged = usage.reduce((sum, entry) => sum - entry.amount, 0n);
    expect(after.balance?.reserved).toBe(parseUsd("1") - charged);
    await billing.close?.();
    const closed = await figures(principal.accountId ?? "");
    expect(closed.held).toHaveLength(0);
    expect(closed.balance?.reserved).toBe(0n);
    expect(closed.balance?.balance).toBe(parseUsd("10") - charged);
  });

  it("never holds more than the balance: 200 concurrent holds against credit for exactly 50", async () => {
    const principal = await fundedPrincipal("0.5");
    const billing = leaseBilling("0.1");
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => billing.hold(principal, parseUsd("0.01"))));
    const granted = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(granted).toHaveLength(50);
    for (const refusal of refused) expect((refusal.reason as GatewayError).status).toBe(402);
    const state = await figures(principal.accountId ?? "");
    expect(state.balance?.reserved).toBe(parseUsd("0.5"));
    expect(state.balance?.balance).toBe(parseUsd("0.5"));
  });

  it("falls back to one strict reservation for a request that costs more than a lease", async () => {
    const principal = await fundedPrincipal("5");
    const billing = leaseBilling("1");
    const hold = await billing.hold(principal, parseUsd("2"));
    const state = await figures(principal.accountId ?? "");
    expect(state.held.map((row) => row.amount)).toEqual([parseUsd("2")]);
    await billing.settle(hold, parseUsd("1.5"), { generationId: "gen-strict", model: "m", provider: "p" });
    const after = await figures(principal.accountId ?? "");
    expect(after.held).toHaveLength(0);
    expect(after.balance?.balance).toBe(parseUsd("3.5"));
  });

  it("gives an idle lease back, releasing what was not charged", async () => {
    const principal = await fundedPrincipal("3");
    const billing = leaseBilling("1", 50);
    const hold = await billing.hold(principal, parseUsd("0.2"));
    await billing.settle(hold, parseUsd("0.05"), { generationId: "gen-idle", model: "m", provider: "p" });
    await expect.poll(async () => (await figures(principal.accountId ?? "")).held.length, { timeout: 3000 }).toBe(0);
    const after = await figures(principal.accountId ?? "");
    expect(after.balance?.reserved).toBe(0n);
    expect(after.balance?.balance).toBe(parseUsd("2.95"));
    expect(after.balance?.balance).toBe(after.ledgerSum);
  });

  it("stops lending once a charge overran the balance into the negative", async () => {
    const principal = await fundedPrincipal("1");
    const billing = leaseBilling("1");
    const hold = await billing.hold(principal, parseUsd("0.5"));
    await billing.settle(hold, parseUsd("1.7"), { generationId: "gen-overrun", model: "m", provider: "p" });
    await billing.flush?.();
    const refusal = await billing.hold(principal, parseUsd("0.01")).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).status).toBe(402);
    await billing.close?.();
  });

  it("durable: settle resolves once the charge is in the ledger, and settlements arriving together share one write", async () => {
    const principal = await fundedPrincipal("10");
    const ledger = gateway.services.ledger;
    let writes = 0;
    const counting = { ...ledger, chargeLease: (...args: Parameters<typeof ledger.chargeLease>) => ((writes += 1), ledger.chargeLease(...args)) };
    // An interval no test would wait for: only the waiting settlements can make these writes happen.
    const billing = createLeaseBilling({ ledger: counting, strict: createLedgerBilling(ledger), leaseSize: parseUsd("1"), flushMs: 3_600_000, idleMs: 3_600_000, maxAgeMs: 3_600_000, durable: true });
    const holds: HeldFunds[] = [];
    for (let index = 0; index < 30; index += 1) holds.push(await billing.hold(principal, parseUsd("0.01")));
    await Promise.all(holds.map((hold, index) => billing.settle(hold, parseUsd("0.001"), { generationId: `gen-durable-${index}`, model: "m", provider: "p" })));
    expect(writes).toBe(1);
    const after = await figures(principal.accountId ?? "");
    expect(after.entries.filter((entry) => entry.type === "usage")).toHaveLength(30);
    expect(after.balance?.balance).toBe(parseUsd("10") - parseUsd("0.03"));
    expect(after.balance?.balance).toBe(after.ledgerSum);
    await billing.close?.();
  });
});
