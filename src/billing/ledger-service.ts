import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { GatewayError, invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { creditBalances, ledgerEntries } from "../db/schema/index.js";
import type { Clock } from "./clock.js";
import { periodStarts } from "./limit-periods.js";
import type { LeaseCharge } from "./ledger-statements.js";
import {
  chargeLeaseStatement,
  reclaimStatement,
  releaseStatement,
  renewStatement,
  reserveStatement,
  settleStatement,
} from "./ledger-statements.js";
import type { Amount } from "./money.js";
import { formatUsd, maxAmount, minAmount } from "./money.js";
import type { LimitSource } from "./payment-required.js";
import { PaymentRequiredError } from "./payment-required.js";
import { isUniqueViolation } from "../db/sql-errors.js";
import type { HeldReservation } from "./held-reservations.js";
import { HeldReservations } from "./held-reservations.js";
import { queryRows, toAmount, toAmountOrNull } from "./sql-rows.js";
import type { AccountEventPublisher } from "../events/account-events.js";
import { NO_ACCOUNT_EVENTS } from "../events/account-events.js";

/**
 * The ledger service: the money side of every model call. The completions pipeline uses it in three steps:
 *
 * 1. `reserve({ accountId, keyHash, maxCost })` before dispatching, with the most the request can cost.
 *    It atomically (one statement: both rows locked, both budgets checked, then conditional updates) holds `maxCost` against the account's spendable
 *    balance (`balance - reserved`) and against the calling key's spend limit in its current period, and
 *    returns a {@link Reservation}. When either cannot cover it, it throws {@link PaymentRequiredError} (402)
 *    saying how much was affordable and which budget refused (`limit_source`: `credits` or `key_limit`).
 *    `maxCost = 0` (free models) holds nothing and only checks the account is in good standing: a negative
 *    balance refuses every request, free ones included, as OpenRouter does.
 * 2. `settle(reservation, actualCost, details)` once the cost is known: one `usage` ledger entry, the
 *    reservation freed, the key's spend counted, all in one statement. The cost is charged in full even when
 *    it exceeds the reservation (the balance may then go negative), and even when the reservation already
 *    expired and was reclaimed. Settling twice is refused (or answered with the first result when the cost
 *    is the same, so a retried call is harmless).
 * 3. `release(reservation)` instead of `settle` when the request failed and nothing was generated.
 *
 * Reservations carry an expiry (`reservationTtlMs`), which `renewHeld` pushes forward for every reservation
 * this instance still uses (the sweeper calls it every `RESERVATION_RENEW_MS`, well within the TTL), so the
 * only reservations that expire are those a dead (or cut-off) instance left; `reclaimExpired` gives those
 * back (the sweeper calls it periodically, and `reserve` calls it for the account before refusing). Should
 * a live reservation be reclaimed anyway (its owner paused or lost the database past the TTL), renewal takes
 * it again from the balance; when the balance can no longer fund it, its `revoked` signal fires and the work
 * it paid for stops, so what it goes on to serve is never paid for by funds another request was given.
 *
 * Invariant, kept by every statement here and in the credit service: for every account,
 * `credit_balances.balance` equals the sum of its ledger entries at every commit.
 */
export interface LedgerService {
  reserve(request: ReserveRequest): Promise<Reservation>;
  settle(reservation: Reservation, actualCost: Amount, details?: SettleDetails): Promise<Settlement>;
  release(reservation: Reservation): Promise<void>;
  /**
   * Charges several usages against one reservation that stays open (an instance's lease on the balance), one
   * ledger entry each, in one statement; see `chargeLeaseStatement`. Returns the balance after.
   */
  chargeLease(reservation: Reservation, charges: readonly LeaseCharge[]): Promise<{ balance: Amount }>;
  /** Throws the 402 when the account's balance is negative. */
  assertAccountInGoodStanding(accountId: string): Promise<void>;
  /** Credits bought in total (purchases and auto top-ups, net of refunds; grants excluded). */
  totalPurchased(accountId: string): Promise<Amount>;
  /** The account's balance figures. */
  balanceOf(accountId: string): Promise<BalanceFigures>;
  /** The sums over every account (operators' `GET /credits`). */
  totals(): Promise<BalanceFigures>;
  /** Balances of several accounts in key order (DataLoader batch); no scope check. */
  loadBalances(accountIds: readonly string[]): Promise<BalanceFigures[]>;
  /**
   * Renews every reservation this instance holds (see the service's TSDoc): pushes their expiry to now +
   * TTL, takes again those the sweep reclaimed, and revokes those the balance can no longer fund.
   */
  renewHeld(): Promise<RenewalOutcome>;
  /** The reservations this instance holds for live work now (requests in flight, credit leases), for the metrics. */
  heldNow(): { count: number; amount: Amount };
  /** Deletes expired reservations and gives their amounts back; returns how many and how much. */
  reclaimExpired(options?: { accountId?: string; limit?: number }): Promise<{ count: number; amount: Amount }>;
}

export interface ReserveRequest {
  accountId: string;
  /** The calling API key's hash; its spend limit is enforced. */
  keyHash: string;
  /** The most the request can cost, in pico-dollars (≥ 0). */
  maxCost: Amount;
}

/** Funds held for one request. Pass it back to `settle` or `release` unchanged. */
export interface Reservation {
  readonly id: string;
  readonly accountId: string;
  readonly keyHash: string;
  /** What is held; 0 for a free request (nothing is held, no row exists). */
  readonly amount: Amount;
  /** The first expiry; renewal pushes the row's expiry forward while this instance lives. */
  readonly expiresAt: Date;
  /**
   * Fires when the funds were lost: the reservation expired and was reclaimed while still in use (its owner
   * missed renewing it past the TTL) and the balance could not fund it again. The request or lease it pays
   * for must stop: whatever it serves after this is unfunded.
   */
  readonly revoked: AbortSignal;
}

/** What one renewal did. */
export interface RenewalOutcome {
  /** Reservations whose expiry was pushed forward. */
  renewed: number;
  /** Reservations the sweep had reclaimed, taken again from the balance. */
  retaken: number;
  /** Reservations the sweep had reclaimed that the balance could not fund again: their work was stopped. */
  revoked: number;
}

export interface SettleDetails {
  generationId?: string;
  model?: string;
  provider?: string;
  /** Shown in the ledger; defaults to "<model> via <provider>". */
  description?: string;
  /** Bring-your-own-key spend (paid to the provider directly): counted on the key, not charged to credits. */
  byokUsage?: Amount;
  /** Extra facts for the ledger entry (token counts...). Plain JSON. */
  metadata?: Record<string, unknown>;
}

export interface Settlement {
  /** The usage ledger entry's id; null when the cost was zero (no entry is written). */
  ledgerEntryId: string | null;
  /** What was charged: exactly the actual cost. */
  cost: Amount;
  /** The balance after this settlement. */
  balance: Amount;
  /** Cost beyond what was reserved (0 when it fitted). */
  overrun: Amount;
  /** True when the reservation had already expired and been reclaimed before this settlement. */
  reservationExpired: boolean;
}

export interface BalanceFigures {
  balance: Amount;
  reserved: Amount;
  /** balance − reserved: what new reservations can take. */
  available: Amount;
  purchased: Amount;
  usage: Amount;
}

export interface LedgerServiceOptions {
  db: Database;
  /**
   * Where holds are written and released: sessions that do not wait for the disk (see
   * `DatabaseHandle.relaxed`). A hold lost in a crash is harmless (its request died too), and the durable
   * settlement that follows makes it durable. Defaults to `db`.
   */
  relaxedDb?: Database;
  clock: Clock;
  /** How long a reservation lives before the sweeper may reclaim it. */
  reservationTtlMs: number;
  /** Auto top-up: claims stop after this many consecutive failures. */
  maxTopUpFailures: number;
  /** Called (not awaited) when a settlement claimed the account's auto top-up. */
  onTopUpClaimed?: (accountId: string) => void;
  /** Where balance changes and key limits reached are announced (`balance_changed`, `key_limit_reached`). */
  events?: AccountEventPublisher;
}

/** Reservations renewed per statement. */
const RENEWAL_BATCH = 1000;

const PERIOD_NAMES: Record<string, string> = { daily: " today", weekly: " this week", monthly: " this month" };

/** Postgres aborted the statement to break a deadlock (SQLSTATE 40P01); running it again is safe. */
function isDeadlock(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (typeof current === "object" && "code" in current && (current as { code?: unknown }).code === "40P01") return true;
    current = typeof current === "object" && "cause" in current ? (current as { cause?: unknown }).cause : undefined;
  }
  return false;
}

/** The key's reset period as the reserve statement read it. */
function limitResetOf(value: unknown): "daily" | "weekly" | "monthly" | null {
  return value === "daily" || value === "weekly" || value === "monthly" ? value : null;
}

async function withDeadlockRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isDeadlock(error)) throw error;
    return run();
  }
}

const ZERO_BALANCE: BalanceFigures = { balance: 0n, reserved: 0n, available: 0n, purchased: 0n, usage: 0n };

function figures(row: { balance: Amount; reserved: Amount; purchased: Amount; usage: Amount }): BalanceFigures {
  return { ...row, available: row.balance - row.reserved };
}

export function createLedgerService(options: LedgerServiceOptions): LedgerService {
  const { db, clock } = options;
  const holdsDb = options.relaxedDb ?? db;
  const events = options.events ?? NO_ACCOUNT_EVENTS;
  const held = new HeldReservations();

  async function readBalance(accountId: string): Promise<BalanceFigures | undefined> {
    const rows = await db
      .select({ balance: creditBalances.balance, reserved: creditBalances.reserved, purchased: creditBalances.purchased, usage: creditBalances.usage })
      .from(creditBalances)
      .where(eq(creditBalances.accountId, accountId))
      .limit(1);
    return rows[0] === undefined ? undefined : figures(rows[0]);
  }

  async function assertAccountInGoodStanding(accountId: string): Promise<void> {
    const balance = await readBalance(accountId);
    if (balance === undefined) throw new GatewayError("payment_required", "This account has no credit balance", { metadata: { limit_source: "credits" } });
    if (balance.balance < 0n) {
      throw new PaymentRequiredError({
        message: `The account's balance is negative ($${formatUsd(balance.balance)}): add credits to make requests, including to free models`,
        affordable: 0n,
        requested: 0n,
        limitSource: "credits",
      });
    }
  }

  /** The 402 for a refused reservation, from the figures the reserve statement decided on. */
  function refusal(request: ReserveRequest, row: Record<string, unknown>): PaymentRequiredError {
    const balance = toAmount(row.balance);
    const credits = balance < 0n ? 0n : maxAmount(0n, balance - toAmount(row.reserved));
    const spendLimit = toAmountOrNull(row.spend_limit);
    const keyLeft = spendLimit === null ? null : maxAmount(0n, spendLimit - toAmount(row.limit_usage) - toAmount(row.key_reserved));
    const limitSource: LimitSource = keyLeft !== null && keyLeft < credits ? "key_limit" : "credits";
    if (limitSource === "key_limit" && spendLimit !== null) {
      events.publish({
        type: "key_limit_reached",
        accountId: request.accountId,
        keyHash: request.keyHash,
        limit: spendLimit,
        usage: toAmount(row.limit_usage) + toAmount(row.key_reserved),
        limitReset: limitResetOf(row.limit_reset),
      });
    }
    const affordable = keyLeft === null ? credits : minAmount(credits, keyLeft);
    const needed = formatUsd(request.maxCost);
    const message =
      limitSource === "key_limit"
        ? `This key's spend limit is reached: the request needs up to $${needed} but the key has $${formatUsd(affordable)} left` +
          `${PERIOD_NAMES[String(row.limit_reset)] ?? ""}. ` +
          "Raise the key's limit, wait for it to reset, or ask for fewer max_tokens."
        : balance < 0n
          ? `The account's balance is negative ($${formatUsd(balance)}): add credits to make requests`
          : `Insufficient credits: the request needs up to $${needed} but the account can afford $${formatUsd(affordable)}. ` +
            "Add credits or ask for fewer max_tokens.";
    return new PaymentRequiredError({ message, affordable, requested: request.maxCost, limitSource });
  }

  /** Runs the reserve statement for a new row `id` expiring one TTL from now; the row it decided on, and the expiry. */
  async function reserveRow(request: ReserveRequest, id: string): Promise<{ row: Record<string, unknown> | undefined; expiresAt: Date }> {
    const now = clock.now();
    const expiresAt = new Date(now + options.reservationTtlMs);
    const statement = reserveStatement({ id, accountId: request.accountId, keyHash: request.keyHash, amount: request.maxCost, expiresAt, periods: periodStarts(now) });
    const [row] = await withDeadlockRetry(() => queryRows(holdsDb, statement));
    return { row, expiresAt };
  }

  /** One attempt: the reservation, or the figures that refused it. */
  async function tryReserve(request: ReserveRequest): Promise<{ reservation: Reservation } | { refusedBy: Record<string, unknown> }> {
    const id = randomUUID();
    const { row, expiresAt } = await reserveRow(request, id);
    if (row === undefined) {
      throw new GatewayError("server", `No credit balance or key spend row for account ${request.accountId} and key ${request.keyHash}`);
    }
    if (Number(row.inserted ?? 0) !== 1) return { refusedBy: row };
    const entry = held.add({ id, accountId: request.accountId, keyHash: request.keyHash, amount: request.maxCost });
    return { reservation: { id, accountId: request.accountId, keyHash: request.keyHash, amount: request.maxCost, expiresAt, revoked: entry.revocation.signal } };
  }

  const service: LedgerService = {
    async reserve(request) {
      if (request.maxCost < 0n) throw invalidRequest("maxCost must not be negative");
      if (request.maxCost === 0n) {
        await assertAccountInGoodStanding(request.accountId);
        return {
          id: randomUUID(),
          accountId: request.accountId,
          keyHash: request.keyHash,
          amount: 0n,
          expiresAt: new Date(clock.now() + options.reservationTtlMs),
          // Holds nothing (a free request): nothing to lose, never aborted. A signal of its own, not one shared by
          // every free request, which would gather a listener per stream in flight.
          revoked: new AbortController().signal,
        };
      }
      let attempt = await tryReserve(request);
      if ("reservation" in attempt) return attempt.reservation;
      // Funds may be stuck in reservations a crashed instance left behind: reclaim them and try once more.
      const reclaimed = await service.reclaimExpired({ accountId: request.accountId });
      if (reclaimed.count > 0) {
        attempt = await tryReserve(request);
        if ("reservation" in attempt) return attempt.reservation;
      }
      throw refusal(request, attempt.refusedBy);
    },

    async settle(reservation, actualCost, details = {}) {
      if (actualCost < 0n) throw invalidRequest("actualCost must not be negative");
      const now = clock.now();
      const description =
        details.description ??
        (details.model === undefined ? "usage" : `${details.model}${details.provider === undefined ? "" : ` via ${details.provider}`}`);
      const metadata = {
        ...details.metadata,
        ...(details.provider === undefined ? {} : { provider: details.provider }),
        reserved_usd: formatUsd(reservation.amount),
      };
      let row: Record<string, unknown> | undefined;
      try {
        const statement = (rowId: string) => settleStatement({
          reservationId: reservation.id,
          rowId,
          accountId: reservation.accountId,
          keyHash: reservation.keyHash,
          cost: actualCost,
          byokUsage: details.byokUsage ?? 0n,
          periods: periodStarts(now),
          now: new Date(now),
          maxTopUpFailures: options.maxTopUpFailures,
          generationId: details.generationId ?? null,
          model: details.model ?? null,
          description,
          metadata,
        });
        [row] = await held.using(reservation.id, true, (rowId) => withDeadlockRetry(() => queryRows(db, statement(rowId))));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return alreadySettled(reservation, actualCost);
      }
      if (row === undefined || row.balance === null || row.balance === undefined) {
        throw new GatewayError("server", `No credit balance for account ${reservation.accountId}`);
      }
      const released = toAmountOrNull(row.released);
      if (Number(row.top_up_claimed ?? 0) > 0) options.onTopUpClaimed?.(reservation.accountId);
      if (actualCost > 0n) events.publish({ type: "balance_changed", accountId: reservation.accountId, cause: "usage", balance: toAmount(row.balance) });
      return {
        ledgerEntryId: row.entry_id === null || row.entry_id === undefined ? null : String(row.entry_id),
        cost: actualCost,
        balance: toAmount(row.balance),
        overrun: maxAmount(0n, actualCost - reservation.amount),
        reservationExpired: reservation.amount > 0n && released === null,
      };
    },

    async chargeLease(reservation, charges) {
      if (charges.some((charge) => charge.cost < 0n)) throw invalidRequest("a charge must not be negative");
      const now = clock.now();
      const total = charges.reduce((sum, charge) => sum + charge.cost, 0n);
      const statement = (reservationId: string) => chargeLeaseStatement({
        reservationId,
        accountId: reservation.accountId,
        keyHash: reservation.keyHash,
        charges,
        periods: periodStarts(now),
        now: new Date(now),
        maxTopUpFailures: options.maxTopUpFailures,
      });
      const [row] = await held.using(reservation.id, false, (rowId) => withDeadlockRetry(() => queryRows(db, statement(rowId))));
      if (row === undefined || row.balance === null || row.balance === undefined) {
        throw new GatewayError("server", `No credit balance for account ${reservation.accountId}`);
      }
      // The row shrank by what was charged, and is gone once charged in full (as the statement does).
      const entry = held.get(reservation.id);
      if (entry !== undefined) {
        entry.amount -= total;
        if (entry.amount <= 0n) held.delete(reservation.id);
      }
      if (Number(row.top_up_claimed ?? 0) > 0) options.onTopUpClaimed?.(reservation.accountId);
      if (total > 0n) events.publish({ type: "balance_changed", accountId: reservation.accountId, cause: "usage", balance: toAmount(row.balance) });
      return { balance: toAmount(row.balance) };
    },

    async release(reservation) {
      if (reservation.amount === 0n) return;
      await held.using(reservation.id, true, (rowId) => withDeadlockRetry(() => queryRows(holdsDb, releaseStatement(rowId))));
    },

    assertAccountInGoodStanding,

    async totalPurchased(accountId) {
      return (await readBalance(accountId))?.purchased ?? 0n;
    },

    async balanceOf(accountId) {
      return (await readBalance(accountId)) ?? ZERO_BALANCE;
    },

    async totals() {
      const [row] = await queryRows(
        db,
        sql`select coalesce(sum(balance), 0)::text as balance, coalesce(sum(reserved), 0)::text as reserved,
                   coalesce(sum(purchased), 0)::text as purchased, coalesce(sum(usage), 0)::text as usage
            from credit_balances`,
      );
      return figures({
        balance: toAmount(row?.balance),
        reserved: toAmount(row?.reserved),
        purchased: toAmount(row?.purchased),
        usage: toAmount(row?.usage),
      });
    },

    async loadBalances(accountIds) {
      if (accountIds.length === 0) return [];
      const rows = await db.select().from(creditBalances).where(inArray(creditBalances.accountId, [...accountIds]));
      const byId = new Map(rows.map((row) => [row.accountId, figures(row)]));
      return accountIds.map((id) => byId.get(id) ?? ZERO_BALANCE);
    },

    heldNow() {
      return held.summary();
    },

    async renewHeld() {
      const outcome: RenewalOutcome = { renewed: 0, retaken: 0, revoked: 0 };
      const entries = held.all();
      for (let start = 0; start < entries.length; start += RENEWAL_BATCH) {
        const batch = entries.slice(start, start + RENEWAL_BATCH);
        const expiresAt = new Date(clock.now() + options.reservationTtlMs);
        const rows = await queryRows(holdsDb, renewStatement({ ids: batch.map((entry) => entry.rowId), expiresAt }));
        const found = new Set(rows.map((row) => String(row.id)));
        outcome.renewed += found.size;
        for (const entry of batch) {
          // Missing and idle: the sweep took it while this instance still used it. Missing while a statement on
          // it is in flight: that statement (a settlement, a lease spent) removed it, or the next renewal will see.
          if (found.has(entry.rowId) || !held.isIdle(entry)) continue;
          if (await retake(entry)) outcome.retaken += 1;
          else outcome.revoked += 1;
        }
      }
      return outcome;
    },

    async reclaimExpired(reclaimOptions = {}) {
      const statement = reclaimStatement({ now: new Date(clock.now()), accountId: reclaimOptions.accountId, limit: reclaimOptions.limit ?? 500 });
      const [row] = await withDeadlockRetry(() => queryRows(db, statement));
      return { count: Number(row?.count ?? 0), amount: toAmount(row?.total) };
    },
  };

  /**
   * Takes the funds of a reservation the sweep reclaimed from under live work again, as a new row the entry
   * now points to (settlements and charges follow it). When the balance or the key's limit no longer covers
   * it, the reservation is revoked: its signal fires and it is no longer tracked.
   */
  async function retake(entry: HeldReservation): Promise<boolean> {
    const id = randomUUID();
    const { row } = await reserveRow({ accountId: entry.accountId, keyHash: entry.keyHash, maxCost: entry.amount }, id);
    const inserted = row !== undefined && Number(row.inserted ?? 0) === 1;
    if (inserted && held.isIdle(entry)) {
      entry.rowId = id;
      return true;
    }
    // Settled while the new row was being taken: it pays for nothing, so it goes back at once.
    if (inserted) await withDeadlockRetry(() => queryRows(holdsDb, releaseStatement(id)));
    if (!inserted) {
      held.delete(entry.id);
      entry.revocation.abort(new PaymentRequiredError({
        message: "The funds held for this request expired while it ran and the balance can no longer cover it",
        affordable: 0n,
        requested: entry.amount,
        limitSource: "credits",
      }));
    }
    return inserted;
  }

  /** A second settlement of one reservation: harmless when it repeats the first, an error otherwise. */
  async function alreadySettled(reservation: Reservation, actualCost: Amount): Promise<Settlement> {
    const [entry] = await db
      .select({ id: ledgerEntries.id, amount: ledgerEntries.amount, balanceAfter: ledgerEntries.balanceAfter })
      .from(ledgerEntries)
      .where(sql`${ledgerEntries.reservationId} = ${reservation.id}::uuid`)
      .limit(1);
    if (entry === undefined || entry.amount !== -actualCost) {
      throw new GatewayError("server", `Reservation ${reservation.id} was already settled with a different cost`);
    }
    return {
      ledgerEntryId: String(entry.id),
      cost: actualCost,
      balance: entry.balanceAfter,
      overrun: maxAmount(0n, actualCost - reservation.amount),
      reservationExpired: false,
    };
  }

  return service;
}
