import type { FastifyBaseLogger } from "fastify";
import type { AutoTopUpService } from "./auto-top-up-service.js";
import type { LedgerService } from "./ledger-service.js";

/**
 * The periodic housekeeping of money: gives back reservations that expired (their instance crashed or the
 * request outlived its deadline) and retries failed auto top-ups whose backoff elapsed. Every instance runs
 * one; the statements are safe to run concurrently (SKIP LOCKED, conditional claims).
 */
export interface BillingSweeper {
  start(): void;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
  /** One sweep now. */
  sweep(): Promise<{ reclaimed: number; topUpsRetried: number }>;
}

export function createBillingSweeper(options: {
  ledger: LedgerService;
  autoTopUp: AutoTopUpService;
  intervalMs: number;
  logger?: Pick<FastifyBaseLogger, "error">;
}): BillingSweeper {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> | undefined;

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

  return {
    start() {
      if (timer !== undefined || options.intervalMs <= 0) return;
      timer = setInterval(() => {
        if (current !== undefined) return;
        current = sweep()
          .catch((error: unknown) => options.logger?.error({ err: error }, "billing sweep failed"))
          .finally(() => {
            current = undefined;
          });
      }, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await current;
      await options.autoTopUp.idle();
    },
    sweep,
  };
}
