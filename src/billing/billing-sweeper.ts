import type { FastifyBaseLogger } from "fastify";
import type { AutoTopUpService } from "./auto-top-up-service.js";
import type { LedgerService, RenewalOutcome } from "./ledger-service.js";

/**
 * The periodic housekeeping of money. Every `renewEveryMs` it renews the reservations this instance still
 * uses (requests in flight, credit leases), so they never expire while it lives; every `intervalMs` it gives
 * back reservations that expired (their instance crashed, or lost the database past the TTL) and retries
 * failed auto top-ups whose backoff elapsed. Every instance runs one; the statements are safe to run
 * concurrently (SKIP LOCKED, conditional claims).
 */
export interface BillingSweeper {
  start(): void;
  /** Stops the timers and waits for a sweep or renewal in progress. */
  stop(): Promise<void>;
  /** One sweep now. */
  sweep(): Promise<{ reclaimed: number; topUpsRetried: number }>;
  /** One renewal now. */
  renew(): Promise<RenewalOutcome>;
}

/** Runs `work` every `everyMs`, one run at a time (a run still going when the next is due is not doubled). */
function periodic(everyMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let current: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (current !== undefined) return;
    current = work()
      .catch(onError)
      .finally(() => {
        current = undefined;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

export function createBillingSweeper(options: {
  ledger: LedgerService;
  autoTopUp: AutoTopUpService;
  /** How often expired reservations are reclaimed and due top-ups retried; 0 turns the sweep timer off. */
  intervalMs: number;
  /** How often held reservations are renewed; 0 turns renewal off (tests that drive it by hand). */
  renewEveryMs: number;
  logger?: Pick<FastifyBaseLogger, "error" | "warn">;
}): BillingSweeper {
  const timers: Array<{ stop(): Promise<void> }> = [];

  async function sweep(): Promise<{ reclaimed: number; topUpsRetried: number }> {
    let reclaimed = 0;
    // Drain in batches so one sweep clears a large backlog without one huge statement.
    for (;;) {
      const batch = await options.ledger.reclaimExpired({ limit: 500 });
      reclaimed += batch.count;
      if (batch.count < 500) break;
    }
    const topUpsRetried = await options.autoTopUp.retryDue();
    return { reclaimed, topUpsRetried };
  }

  async function renew(): Promise<RenewalOutcome> {
    const outcome = await options.ledger.renewHeld();
    if (outcome.retaken > 0 || outcome.revoked > 0) {
      options.logger?.warn(outcome, "reservations in use had expired and were reclaimed (was this instance paused or cut off from the database?)");
    }
    return outcome;
  }

  return {
    start() {
      if (timers.length > 0) return;
      if (options.renewEveryMs > 0) {
        timers.push(periodic(options.renewEveryMs, renew, (error) => options.logger?.error({ err: error }, "reservation renewal failed")));
      }
      if (options.intervalMs > 0) {
        timers.push(periodic(options.intervalMs, sweep, (error) => options.logger?.error({ err: error }, "billing sweep failed")));
      }
    },
    async stop() {
      await Promise.all(timers.splice(0).map((timer) => timer.stop()));
      await options.autoTopUp.idle();
    },
    sweep,
    renew,
  };
}
