import { and, asc, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Principal } from "../auth/principal.js";
import { targetAccount } from "../accounts/account-scope.js";
import { GatewayError, invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { autoTopUps, payments } from "../db/schema/index.js";
import type { AutoTopUpRow, PaymentRow } from "../db/schema/index.js";
import type { Clock } from "./clock.js";
import type { Amount } from "./money.js";
import { formatUsd } from "./money.js";
import { MAX_CREDIT_CHANGE } from "./credit-service.js";
import { monthlyPurchaseVolume } from "./monthly-volume.js";
import type { PaymentProvider } from "./payment-provider.js";
import { PaymentDeclinedError } from "./payment-provider.js";
import type { FeeSchedule, PlatformFee } from "./platform-fee.js";
import { computePlatformFee, recordedPlatformFee } from "./platform-fee.js";
import { queryRows } from "./sql-rows.js";
import { recordSucceededPayment } from "./record-payment.js";
import type { AccountEventPublisher } from "../events/account-events.js";

/**
 * Auto top-up: when a settlement leaves an account's balance below its threshold, buy the configured amount
 * of credits through the payment provider, once. The ledger's settle statement claims the account's row
 * (`claimed_at`, conditional on it being unclaimed), so of many concurrent settlements crossing the threshold
 * exactly one triggers a purchase; `runClaimed` then pays and clears the claim. A failed payment is kept in
 * `payments` with its error, and retried by `retryDue` with exponential backoff (`retryBaseMs` × 2^(n−1),
 * capped at an hour) until `maxFailures` consecutive failures; a successful purchase resets the count. A
 * payment an instance left `pending` when it died (it may have been charged) is finished, not replaced, by
 * the next run for that account: the next settlement below the threshold, or `retryDue`.
 */
export interface AutoTopUpService {
  configure(principal: Principal, input: AutoTopUpInput): Promise<AutoTopUpRow>;
  /** The account's settings (disabled defaults when never configured); no scope check. */
  settingsOf(accountId: string): Promise<AutoTopUpRow>;
  /** Settings of several accounts in key order (DataLoader batch); no scope check. */
  loadSettings(accountIds: readonly string[]): Promise<AutoTopUpRow[]>;
  /** Pays for a claim the ledger made; never throws (failures are recorded). Tracked by `idle()`. */
  runClaimed(accountId: string): Promise<void>;
  /**
   * Frees claims abandoned by a crashed instance, then claims and runs top-ups whose backoff has elapsed and
   * payments a crashed instance left pending (finished under their own id, so never charged twice).
   */
  retryDue(): Promise<number>;
  /** Resolves when every top-up started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

export interface AutoTopUpInput {
  accountId?: string | null;
  enabled: boolean;
  /** Top up when the balance falls below this. */
  threshold: Amount;
  /** Credits to buy each time. */
  amount: Amount;
}

export interface AutoTopUpServiceOptions {
  db: Database;
  clock: Clock;
  paymentProvider: PaymentProvider;
  feeSchedule: FeeSchedule;
  maxFailures: number;
  retryBaseMs: number;
  /** A claim older than this is considered abandoned (its instance died mid-payment). */
  staleClaimMs?: number;
  logger?: Pick<FastifyBaseLogger, "warn" | "error">;
  /** Where a booked top-up is announced (`credits_added` as a purchase, then `balance_changed`). */
  events?: AccountEventPublisher;
}

const MAX_BACKOFF_MS = 3_600_000;

/** Delay before retry number `failures` (1 = after the first failure). */
export function topUpBackoffMs(failures: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
}

export function createAutoTopUpService(options: AutoTopUpServiceOptions): AutoTopUpService {
  const { db, clock } = options;
  const running = new Set<Promise<void>>();
  const staleClaimMs = options.staleClaimMs ?? 300_000;

  function defaults(accountId: string): AutoTopUpRow {
    return {
      accountId,
      enabled: false,
      threshold: 0n,
      amount: 0n,
      claimedAt: null,
      failures: 0,
      nextAttemptAt: null,
      lastError: null,
      updatedAt: new Date(0),
    };
  }

  /**
   * An auto top-up payment left `pending` by an instance that died between writing it and booking its
   * outcome (the provider may or may not have charged it). Only the claim holder pays, so a pending one found
   * while holding the claim is such a leftover, or one whose claim went stale.
   */
  async function interruptedPayment(accountId: string): Promise<PaymentRow | undefined> {
    const [payment] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.accountId, accountId), eq(payments.kind, "auto_top_up"), eq(payments.status, "pending")))
      .orderBy(asc(payments.createdAt))
      .limit(1);
    return payment;
  }

  /** A new pending payment for the configured amount, with the fee the month's volume gives. */
  async function newPayment(settings: AutoTopUpRow): Promise<{ payment: PaymentRow; fee: PlatformFee }> {
    const volume = await monthlyPurchaseVolume(db, settings.accountId, clock.now());
    const fee = computePlatformFee({ credits: settings.amount, monthlyVolumeBefore: volume, schedule: options.feeSchedule });
    const [payment] = await db
      .insert(payments)
      .values({
        accountId: settings.accountId,
        kind: "auto_top_up",
        provider: options.paymentProvider.name,
        credits: settings.amount,
        fee: fee.fee,
        charged: settings.amount + fee.fee,
        attempt: settings.failures + 1,
        createdAt: new Date(clock.now()),
      })
      .returning();
    if (payment === undefined) throw new Error("payment insert returned nothing");
    return { payment, fee };
  }

  async function pay(accountId: string): Promise<void> {
    const [settings] = await db.select().from(autoTopUps).where(eq(autoTopUps.accountId, accountId)).limit(1);
    if (settings === undefined || settings.claimedAt === null) return;
    // An interrupted payment is finished first, under its own id (the provider's idempotency key), so a
    // charge the provider already made is booked instead of being charged again. It is finished even if
    // auto top-up was turned off since: the provider may hold the money already.
    const interrupted = await interruptedPayment(accountId);
    if (interrupted === undefined && (!settings.enabled || settings.amount <= 0n)) {
      await db.update(autoTopUps).set({ claimedAt: null }).where(eq(autoTopUps.accountId, accountId));
      return;
    }
    const { payment, fee } =
      interrupted === undefined
        ? await newPayment(settings)
        : { payment: interrupted, fee: recordedPlatformFee({ credits: interrupted.credits, fee: interrupted.fee, schedule: options.feeSchedule }) };
    try {
      const { providerPaymentId } = await options.paymentProvider.charge({
        paymentId: payment.id,
        accountId,
        amount: payment.charged,
        description: `Auto top-up: $${formatUsd(payment.credits)} of credits`,
      });
      const now = new Date(clock.now());
      const booked = await db.transaction(async (tx) => {
        const recorded = await recordSucceededPayment(tx, {
          paymentId: payment.id,
          accountId,
          kind: "auto_top_up",
          credits: payment.credits,
          fee,
          providerPaymentId,
          keyHash: null,
          now,
        });
        await tx
          .update(autoTopUps)
          .set({ claimedAt: null, failures: 0, nextAttemptAt: null, lastError: null, updatedAt: now })
          .where(eq(autoTopUps.accountId, accountId));
        return recorded;
      });
      options.events?.publish({ type: "credits_added", accountId, source: "purchase", credits: payment.credits, balance: booked.balance, paymentId: payment.id });
      options.events?.publish({ type: "balance_changed", accountId, cause: "credits", balance: booked.balance });
    } catch (error) {
      const message = error instanceof PaymentDeclinedError ? error.message : error instanceof Error ? error.message : String(error);
      const now = clock.now();
      const failures = settings.failures + 1;
      // Conditional: a payment another instance booked meanwhile (after taking over a stale claim) stays booked.
      await db
        .update(payments)
        .set({ status: "failed", error: message, updatedAt: new Date(now) })
        .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")));
      await db
        .update(autoTopUps)
        .set({
          claimedAt: null,
          failures,
          nextAttemptAt: new Date(now + topUpBackoffMs(failures, options.retryBaseMs)),
          lastError: message,
          updatedAt: new Date(now),
        })
        .where(eq(autoTopUps.accountId, accountId));
      options.logger?.warn({ accountId, failures, err: error }, "auto top-up payment failed");
    }
  }

  function track(accountId: string): Promise<void> {
    const task = pay(accountId).catch((error: unknown) => {
      options.logger?.error({ accountId, err: error }, "auto top-up crashed");
    });
    running.add(task);
    void task.finally(() => running.delete(task));
    return task;
  }

  return {
    async configure(principal, input) {
      if (principal.kind === "api" && principal.key?.spendLimit !== null && principal.key?.spendLimit !== undefined) {
        throw new GatewayError("permission_denied", "A key with a spend limit cannot configure auto top-up");
      }
      const accountId = targetAccount(principal, input.accountId, "account_id");
      if (input.threshold < 0n) throw invalidRequest("threshold must not be negative", "threshold");
      if (input.enabled && input.amount <= 0n) throw invalidRequest("amount must be positive to enable auto top-up", "amount");
      if (input.amount < 0n || input.amount > MAX_CREDIT_CHANGE) {
        throw invalidRequest(`amount must be between 0 and $${formatUsd(MAX_CREDIT_CHANGE)}`, "amount");
      }
      const now = new Date(clock.now());
      const values = {
        enabled: input.enabled,
        threshold: input.threshold,
        amount: input.amount,
        failures: 0,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: now,
      };
      const [row] = await db
        .insert(autoTopUps)
        .values({ accountId, ...values })
        .onConflictDoUpdate({ target: autoTopUps.accountId, set: values })
        .returning();
      if (row === undefined) throw new Error("auto top-up upsert returned nothing");
      return row;
    },

    async settingsOf(accountId) {
      const [row] = await db.select().from(autoTopUps).where(eq(autoTopUps.accountId, accountId)).limit(1);
      return row ?? defaults(accountId);
    },

    async loadSettings(accountIds) {
      if (accountIds.length === 0) return [];
      const rows = await db.select().from(autoTopUps).where(inArray(autoTopUps.accountId, [...accountIds]));
      const byId = new Map(rows.map((row) => [row.accountId, row]));
      return accountIds.map((id) => byId.get(id) ?? defaults(id));
    },

    runClaimed: track,

    async retryDue() {
      const now = clock.now();
      await db
        .update(autoTopUps)
        .set({ claimedAt: null })
        .where(and(isNotNull(autoTopUps.claimedAt), lt(autoTopUps.claimedAt, new Date(now - staleClaimMs))));
      const due = await queryRows(
        db,
        sql`update auto_top_ups as a set claimed_at = ${new Date(now).toISOString()}::timestamptz, updated_at = now()
            from credit_balances as b
            where a.account_id = b.account_id and a.claimed_at is null
              and ((a.enabled and a.amount > 0
                    and a.failures > 0 and a.failures < ${options.maxFailures}
                    and a.next_attempt_at <= ${new Date(now).toISOString()}::timestamptz
                    and b.balance < a.threshold)
                or exists (select 1 from payments as p
                           where p.account_id = a.account_id and p.kind = 'auto_top_up' and p.status = 'pending'))
            returning a.account_id`,
      );
      await Promise.all(due.map((row) => track(String(row.account_id))));
      return due.length;
    },

    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

