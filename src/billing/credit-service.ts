import { and, eq, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { isAccountId, targetAccount } from "../accounts/account-scope.js";
import { requireOperator } from "../accounts/require-principal.js";
import { GatewayError, invalidRequest, notFound } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { accounts, creditBalances, ledgerEntries, payments } from "../db/schema/index.js";
import type { PaymentRow } from "../db/schema/index.js";
import type { Clock } from "./clock.js";
import type { Amount } from "./money.js";
import { formatUsd, parseUsd } from "./money.js";
import { monthlyPurchaseVolume } from "./monthly-volume.js";
import type { PaymentProvider } from "./payment-provider.js";
import { PaymentDeclinedError } from "./payment-provider.js";
import type { FeeSchedule, PlatformFee } from "./platform-fee.js";
import { computePlatformFee } from "./platform-fee.js";
import { recordSucceededPayment } from "./record-payment.js";
import type { AccountEventPublisher } from "../events/account-events.js";
import { NO_ACCOUNT_EVENTS } from "../events/account-events.js";

/**
 * Money coming in and going out other than usage: purchases through the payment provider (with the platform
 * fee and volume discounts), operator grants, refunds and adjustments. Each changes the balance and appends
 * its ledger entries in one transaction, with conditional updates where money leaves (a refund or negative
 * adjustment never takes reserved funds).
 *
 * Who may do what: purchases by any key of the account (an API key buys for its own account) or an operator
 * naming the account; grants, refunds and adjustments by operators only (an account cannot mint credits).
 */
export interface CreditService {
  purchase(principal: Principal, input: { accountId?: string | null; credits: Amount }): Promise<PurchaseResult>;
  grant(principal: Principal, input: { accountId: string; credits: Amount; reason?: string }): Promise<BalanceChange>;
  refund(principal: Principal, input: { paymentId: string; credits?: Amount; reason?: string }): Promise<BalanceChange>;
  adjust(principal: Principal, input: { accountId: string; amount: Amount; reason: string }): Promise<BalanceChange>;
  /** The fee a purchase of `credits` would pay now (for quotes and the CLI). */
  quote(accountId: string, credits: Amount): Promise<PlatformFee>;
}

export interface PurchaseResult {
  payment: PaymentRow;
  fee: PlatformFee;
  balance: Amount;
  ledgerEntryIds: string[];
}

export interface BalanceChange {
  accountId: string;
  balance: Amount;
  ledgerEntryIds: string[];
}

/** The most one purchase or grant may add: keeps balances far inside a Postgres bigint of pico-dollars. */
export const MAX_CREDIT_CHANGE = parseUsd("100000");

export interface CreditServiceOptions {
  db: Database;
  clock: Clock;
  paymentProvider: PaymentProvider;
  feeSchedule: FeeSchedule;
  /** Where `credits_added` and `balance_changed` account events go once the money is booked. */
  events?: AccountEventPublisher;
}

function checkCredits(credits: Amount, field: string): void {
  if (credits <= 0n) throw invalidRequest(`${field} must be positive`, field);
  if (credits > MAX_CREDIT_CHANGE) throw invalidRequest(`${field} must be at most $${formatUsd(MAX_CREDIT_CHANGE)}`, field);
}

export function createCreditService(options: CreditServiceOptions): CreditService {
  const { db, clock } = options;
  const events = options.events ?? NO_ACCOUNT_EVENTS;

  /** Announces a committed balance change, and credits that came in, to the account's subscribers. */
  function announce(change: { accountId: string; balance: Amount; added?: { source: "purchase" | "grant"; credits: Amount; paymentId: string | null } }): void {
    if (change.added !== undefined) {
      events.publish({ type: "credits_added", accountId: change.accountId, balance: change.balance, ...change.added });
    }
    events.publish({ type: "balance_changed", accountId: change.accountId, cause: "credits", balance: change.balance });
  }

  async function assertAccountExists(accountId: string): Promise<void> {
    if (!isAccountId(accountId)) throw notFound("Account not found");
    const rows = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
    if (rows.length === 0) throw notFound("Account not found");
  }

  async function quote(accountId: string, credits: Amount): Promise<PlatformFee> {
    const volume = await monthlyPurchaseVolume(db, accountId, clock.now());
    return computePlatformFee({ credits, monthlyVolumeBefore: volume, schedule: options.feeSchedule });
  }

  /** Moves `amount` (signed) into or out of the balance with one ledger entry; outflows are conditional. */
  async function change(input: {
    accountId: string;
    amount: Amount;
    type: "grant" | "adjustment" | "refund";
    description: string;
    paymentId?: string;
    keyHash: string | null;
    metadata?: Record<string, unknown>;
    purchasedDelta?: Amount;
  }): Promise<BalanceChange> {
    const now = new Date(clock.now());
    const result = await db.transaction(async (tx): Promise<BalanceChange> => {
      const outflow = input.amount < 0n;
      const [updated] = await tx
        .update(creditBalances)
        .set({
          balance: sql`${creditBalances.balance} + ${input.amount}::bigint`,
          purchased: sql`${creditBalances.purchased} + ${input.purchasedDelta ?? 0n}::bigint`,
          updatedAt: now,
        })
        .where(
          outflow
            ? and(eq(creditBalances.accountId, input.accountId), sql`${creditBalances.balance} - ${creditBalances.reserved} >= ${-input.amount}::bigint`)
            : eq(creditBalances.accountId, input.accountId),
        )
        .returning({ balance: creditBalances.balance });
      if (updated === undefined) {
        throw invalidRequest(`The account does not have $${formatUsd(-input.amount)} available (some may be reserved by requests in flight)`);
      }
      const [entry] = await tx
        .insert(ledgerEntries)
        .values({
          accountId: input.accountId,
          type: input.type,
          amount: input.amount,
          balanceAfter: updated.balance,
          paymentId: input.paymentId ?? null,
          keyHash: input.keyHash,
          description: input.description,
          metadata: input.metadata ?? null,
        })
        .returning({ id: ledgerEntries.id });
      return { accountId: input.accountId, balance: updated.balance, ledgerEntryIds: entry === undefined ? [] : [String(entry.id)] };
    });
    announce({
      accountId: input.accountId,
      balance: result.balance,
      ...(input.type === "grant" ? { added: { source: "grant" as const, credits: input.amount, paymentId: null } } : {}),
    });
    return result;
  }

  return {
    quote,

    async purchase(principal, input) {
      const accountId = targetAccount(principal, input.accountId, "account_id");
      checkCredits(input.credits, "credits");
      await assertAccountExists(accountId);
      const fee = await quote(accountId, input.credits);
      const [payment] = await db
        .insert(payments)
        .values({
          accountId,
          kind: "purchase",
          provider: options.paymentProvider.name,
          credits: input.credits,
          fee: fee.fee,
          charged: input.credits + fee.fee,
          createdAt: new Date(clock.now()),
        })
        .returning();
      if (payment === undefined) throw new Error("payment insert returned nothing");
      let providerPaymentId: string;
      try {
        ({ providerPaymentId } = await options.paymentProvider.charge({
          paymentId: payment.id,
          accountId,
          amount: payment.charged,
          description: `$${formatUsd(input.credits)} of credits`,
        }));
      } catch (error) {
        const message = error instanceof PaymentDeclinedError ? error.message : "Payment provider error";
        await db.update(payments).set({ status: "failed", error: message, updatedAt: new Date(clock.now()) }).where(eq(payments.id, payment.id));
        throw new GatewayError("payment_required", `Payment failed: ${message}`, { metadata: { payment_id: payment.id }, cause: error });
      }
      const now = new Date(clock.now());
      const booked = await db.transaction((tx) =>
        recordSucceededPayment(tx, {
          paymentId: payment.id,
          accountId,
          kind: "purchase",
          credits: input.credits,
          fee,
          providerPaymentId,
          keyHash: principal.kind === "api" ? principal.keyHash : null,
          now,
        }),
      );
      announce({ accountId, balance: booked.balance, added: { source: "purchase", credits: input.credits, paymentId: payment.id } });
      return {
        payment: { ...payment, status: "succeeded", providerPaymentId, updatedAt: now },
        fee,
        balance: booked.balance,
        ledgerEntryIds: booked.entryIds.map(String),
      };
    },

    async grant(principal, input) {
      requireOperator(principal);
      checkCredits(input.credits, "credits");
      await assertAccountExists(input.accountId);
      return change({
        accountId: input.accountId,
        amount: input.credits,
        type: "grant",
        description: input.reason?.trim() || "Credits granted by an operator",
        keyHash: null,
      });
    },

    async adjust(principal, input) {
      requireOperator(principal);
      if (input.amount === 0n) throw invalidRequest("amount must not be zero", "amount");
      checkCredits(input.amount < 0n ? -input.amount : input.amount, "amount");
      if (input.reason.trim() === "") throw invalidRequest("an adjustment needs a reason", "reason");
      await assertAccountExists(input.accountId);
      return change({ accountId: input.accountId, amount: input.amount, type: "adjustment", description: input.reason.trim(), keyHash: null });
    },

    async refund(principal, input) {
      requireOperator(principal);
      if (!isAccountId(input.paymentId)) throw notFound("Payment not found");
      const [payment] = await db.select().from(payments).where(eq(payments.id, input.paymentId)).limit(1);
      if (payment === undefined || payment.status !== "succeeded" || payment.providerPaymentId === null) throw notFound("Payment not found");
      const refundable = payment.credits - payment.refunded;
      const credits = input.credits ?? refundable;
      if (credits <= 0n || credits > refundable) {
        throw invalidRequest(`At most $${formatUsd(refundable)} of this payment can be refunded (platform fees are not refunded)`, "credits");
      }
      // Take the credits back first (conditionally), then ask the provider; undo with an adjustment if it fails.
      const claimed = await db
        .update(payments)
        .set({ refunded: sql`${payments.refunded} + ${credits}::bigint`, updatedAt: new Date(clock.now()) })
        .where(and(eq(payments.id, payment.id), sql`${payments.refunded} + ${credits}::bigint <= ${payments.credits}`))
        .returning({ id: payments.id });
      if (claimed.length === 0) throw invalidRequest("This payment was refunded meanwhile", "credits");
      let result: BalanceChange;
      try {
        result = await change({
          accountId: payment.accountId,
          amount: -credits,
          type: "refund",
          description: input.reason?.trim() || "Refund",
          paymentId: payment.id,
          keyHash: null,
          purchasedDelta: -credits,
        });
      } catch (error) {
        await db.update(payments).set({ refunded: sql`${payments.refunded} - ${credits}::bigint` }).where(eq(payments.id, payment.id));
        throw error;
      }
      try {
        await options.paymentProvider.refund({ paymentId: payment.id, providerPaymentId: payment.providerPaymentId, amount: credits });
      } catch (error) {
        await db.update(payments).set({ refunded: sql`${payments.refunded} - ${credits}::bigint` }).where(eq(payments.id, payment.id));
        await change({
          accountId: payment.accountId,
          amount: credits,
          type: "adjustment",
          description: "Reversal: the payment provider refused the refund",
          paymentId: payment.id,
          keyHash: null,
          purchasedDelta: credits,
        });
        const message = error instanceof PaymentDeclinedError ? error.message : "Payment provider error";
        throw new GatewayError("provider_unavailable", `Refund failed at the payment provider: ${message}`, { cause: error });
      }
      return result;
    },
  };
}
