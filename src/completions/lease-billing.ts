import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { Principal } from "../auth/principal.js";
import type { LedgerService, Reservation } from "../billing/ledger-service.js";
import type { LeaseCharge } from "../billing/ledger-statements.js";
import type { Amount } from "../billing/money.js";
import { PaymentRequiredError } from "../billing/payment-required.js";
import type { CompletionBilling, HeldFunds } from "./completion-ports.js";

/** One instance's lease on one key's share of an account's balance. */
interface Lease {
  key: string;
  reservation: Reservation;
  /** What holds may still take from the lease. */
  remaining: Amount;
  inFlight: number;
  pending: LeaseCharge[];
  /** Settlements waiting for the write of the charges now in `pending` (strict durability). */
  waiters: Waiter[];
  /** Set while a flush is queued that has not yet taken `pending`, so a burst of settlements queues one. */
  flushQueued: boolean;
  createdAt: number;
  lastUsedAt: number;
  retiring: boolean;
  /** Set once the remainder's release is queued, so it is queued once. */
  releasing: boolean;
  /** Serialises this lease's ledger writes. */
  writes: Promise<void>;
  /**
   * The revocation signal of each hold in flight, fired when the lease's reservation is revoked. One per hold
   * rather than the reservation's own signal shared by all: thousands of streams on one lease would otherwise
   * pile their listeners on one AbortSignal.
   */
  revocations: Map<HeldFunds, AbortController>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface LeaseBillingOptions {
  ledger: LedgerService;
  /** The strict billing (one ledger reservation per request) used for big, free or low-balance requests. */
  strict: CompletionBilling;
  /** How much one lease reserves; 0 turns leasing off. */
  leaseSize: Amount;
  /** Charges are written at least this often. */
  flushMs: number;
  /**
   * `BILLING_DURABILITY=strict`: `settle` resolves only once the charge is committed. The lease's charges are
   * then written at the next turn of the event loop (group commit: every charge settled meanwhile shares the
   * write, and while one write is in flight the next batch accumulates) instead of after `flushMs`.
   */
  durable?: boolean;
  /** A lease unused this long is written out and its remainder given back. */
  idleMs: number;
  /** A lease older than this is retired and replaced (well before the ledger's reservation expiry). */
  maxAgeMs: number;
  clock?: () => number;
  logger?: FastifyBaseLogger;
}

/**
 * Holds without a database round trip. An instance reserves a lease (an ordinary ledger reservation of
 * `leaseSize`) on a key's account, then takes each request's hold from the lease in memory; the exact charges
 * are written in batches, one ledger entry per generation, by `chargeLease`. The money stays safe across
 * instances because every lease is a real reservation: requests in flight never hold more than was reserved.
 * When the balance or the key's limit cannot fund a lease, or a request may cost more than a lease, billing
 * falls back to one strict reservation per request, so 402s say exactly what the balance affords. Idle leases
 * are written out and returned after `idleMs`; a lease whose account went negative is retired at once.
 */
export function createLeaseBilling(options: LeaseBillingOptions): CompletionBilling {
  const clock = options.clock ?? Date.now;
  const leases = new Map<string, Lease>();
  const acquiring = new Map<string, Promise<Lease | undefined>>();
  const leaseOfHold = new WeakMap<HeldFunds, Lease>();
  const retiring = new Set<Lease>();
  let flushTimer: NodeJS.Timeout | undefined;

  function write(lease: Lease, work: () => Promise<void>): Promise<void> {
    lease.writes = lease.writes.then(work).catch((error: unknown) => {
      options.logger?.error({ err: error, lease: lease.reservation.id }, "lease ledger write failed");
    });
    return lease.writes;
  }

  function flush(lease: Lease): Promise<void> {
    lease.flushQueued = true;
    return write(lease, async () => {
      lease.flushQueued = false;
      if (lease.pending.length === 0) return;
      const charges = lease.pending.splice(0);
      const waiters = lease.waiters.splice(0);
      try {
        const { balance } = await options.ledger.chargeLease(lease.reservation, charges);
        for (const waiter of waiters) waiter.resolve();
        // A negative balance must stop further requests at once: no more holds from this lease.
        if (balance < 0n) retire(lease);
      } catch (error) {
        // The charges stay pending and are retried; whoever waited for this write hears that it failed.
        lease.pending.unshift(...charges);
        for (const waiter of waiters) waiter.reject(error);
        throw error;
      }
    });
  }

  /** Group commit: one flush queued for the next turn, taking every charge settled until it starts. */
  function flushSoon(lease: Lease): void {
    if (lease.flushQueued) return;
    lease.flushQueued = true;
    setImmediate(() => void flush(lease));
  }

  function retire(lease: Lease): void {
    lease.retiring = true;
    if (leases.get(lease.key) === lease) leases.delete(lease.key);
    retiring.add(lease);
    if (lease.inFlight > 0 || lease.releasing) return;
    lease.releasing = true;
    // Both writes are queued now, in order, so `lease.writes` covers the release too.
    void flush(lease);
    void write(lease, async () => {
      await options.ledger.release(lease.reservation);
      retiring.delete(lease);
    });
  }

  function scheduleFlush(): void {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      const now = clock();
      for (const lease of [...leases.values(), ...retiring]) {
        void flush(lease);
        if (!lease.retiring && lease.inFlight === 0 && now - lease.lastUsedAt >= options.idleMs) retire(lease);
      }
      if (leases.size > 0) scheduleFlush();
    }, options.flushMs);
    flushTimer.unref();
  }

  async function acquire(key: string, principal: Principal & { accountId: string }): Promise<Lease | undefined> {
    const existing = acquiring.get(key);
    if (existing !== undefined) return existing;
    const pending = (async () => {
      const previous = leases.get(key);
      if (previous !== undefined) retire(previous);
      try {
        const reservation = await options.ledger.reserve({ accountId: principal.accountId, keyHash: principal.keyHash, maxCost: options.leaseSize });
        const now = clock();
        const lease: Lease = {
          key,
          reservation,
          remaining: reservation.amount,
          inFlight: 0,
          pending: [],
          waiters: [],
          flushQueued: false,
          createdAt: now,
          lastUsedAt: now,
          retiring: false,
          releasing: false,
          writes: Promise.resolve(),
          revocations: new Map(),
        };
        leases.set(key, lease);
        // Lost funds (see `Reservation.revoked`): no more holds from this lease; those in flight stop themselves.
        reservation.revoked.addEventListener(
          "abort",
          () => {
            for (const revocation of lease.revocations.values()) revocation.abort(reservation.revoked.reason);
            retire(lease);
          },
          { once: true },
        );
        scheduleFlush();
        return lease;
      } catch (error) {
        if (error instanceof PaymentRequiredError) return undefined;
        throw error;
      }
    })().finally(() => acquiring.delete(key));
    acquiring.set(key, pending);
    return pending;
  }

  function usable(lease: Lease | undefined, maxCost: Amount): lease is Lease {
    return lease !== undefined && !lease.retiring && lease.remaining >= maxCost && clock() - lease.createdAt < options.maxAgeMs;
  }

  function takeFrom(lease: Lease, maxCost: Amount): HeldFunds {
    lease.remaining -= maxCost;
    lease.inFlight += 1;
    lease.lastUsedAt = clock();
    const revocation = new AbortController();
    if (lease.reservation.revoked.aborted) revocation.abort(lease.reservation.revoked.reason);
    const hold: HeldFunds = { id: randomUUID(), maxCost, revoked: revocation.signal };
    lease.revocations.set(hold, revocation);
    leaseOfHold.set(hold, lease);
    return hold;
  }

  function finish(lease: Lease, hold: HeldFunds, cost: Amount): void {
    lease.revocations.delete(hold);
    lease.inFlight -= 1;
    lease.remaining += hold.maxCost - cost;
    if (lease.retiring && lease.inFlight === 0) retire(lease);
  }

  return {
    async hold(principal, maxCost) {
      if (options.leaseSize <= 0n || maxCost === 0n || maxCost > options.leaseSize || principal.accountId === null) {
        return options.strict.hold(principal, maxCost);
      }
      const key = `${principal.accountId}|${principal.keyHash}`;
      let lease = leases.get(key);
      if (!usable(lease, maxCost)) lease = await acquire(key, { ...principal, accountId: principal.accountId });
      if (usable(lease, maxCost)) return takeFrom(lease, maxCost);
      return options.strict.hold(principal, maxCost);
    },

    async settle(hold, cost, details) {
      const lease = leaseOfHold.get(hold);
      if (lease === undefined) return options.strict.settle(hold, cost, details);
      lease.pending.push({
        cost,
        ...(details.byokUsage === undefined ? {} : { byokUsage: details.byokUsage }),
        generationId: details.generationId,
        model: details.model,
        provider: details.provider,
        description: `${details.model} via ${details.provider}`,
      });
      finish(lease, hold, cost);
      if (options.durable !== true) {
        scheduleFlush();
        return;
      }
      const written = new Promise<void>((resolve, reject) => lease.waiters.push({ resolve, reject }));
      flushSoon(lease);
      scheduleFlush();
      await written;
    },

    async release(hold) {
      const lease = leaseOfHold.get(hold);
      if (lease === undefined) return options.strict.release(hold);
      finish(lease, hold, 0n);
    },

    async flush() {
      await Promise.all([...leases.values(), ...retiring].map((lease) => flush(lease)));
      await options.strict.flush?.();
    },

    async close() {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      for (const lease of [...leases.values()]) retire(lease);
      await Promise.all([...retiring].filter((lease) => lease.inFlight === 0).map((lease) => lease.writes));
    },
  };
}
