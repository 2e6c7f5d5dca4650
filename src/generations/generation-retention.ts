import { sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import { queryRows } from "../billing/sql-rows.js";
import type { Database } from "../db/client.js";

/**
 * GENERATION_RETENTION_DAYS: generation records older than that are deleted in the background, oldest first,
 * `batchSize` rows per statement (a bounded DELETE through the `created_at` index, never one unbounded
 * statement that would hold locks and bloat the WAL), yielding to the event loop between batches. The usage
 * rollups are not touched: usage and activity keep their history after the raw rows go; only
 * `GET /generation?id=` and `generations` stop finding the old records. The ledger is never touched.
 */
export interface GenerationRetention {
  /** Deletes every expired row now, batch by batch; resolves with the size of each batch (tests and the CLI). */
  runOnce(): Promise<number[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createGenerationRetention(options: {
  db: Database;
  retentionDays: number;
  batchSize: number;
  intervalMs: number;
  clock?: () => number;
  logger?: FastifyBaseLogger;
}): GenerationRetention {
  const clock = options.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number[]> | undefined;
  let stopped = false;

  async function deleteBatch(cutoff: Date): Promise<number> {
    const rows = await queryRows<{ deleted: number | string }>(
      options.db,
      sql`with doomed as (select id from generations where created_at < ${cutoff.toISOString()}::timestamptz order by created_at limit ${options.batchSize}),
        gone as (delete from generations g using doomed where g.id = doomed.id returning 1)
        select count(*)::int as deleted from gone`,
    );
    return Number(rows[0]?.deleted ?? 0);
  }

  async function sweep(): Promise<number[]> {
    const cutoff = new Date(clock() - options.retentionDays * 86_400_000);
    const batches: number[] = [];
    while (!stopped) {
      const deleted = await deleteBatch(cutoff);
      if (deleted > 0) batches.push(deleted);
      if (deleted < options.batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (batches.length > 0) options.logger?.info({ deleted: batches.reduce((sum, count) => sum + count, 0), batches: batches.length }, "expired generation records deleted");
    return batches;
  }

  function runOnce(): Promise<number[]> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      if (options.retentionDays <= 0 || timer !== undefined) return;
      stopped = false;
      timer = setInterval(() => {
        runOnce().catch((error: unknown) => options.logger?.error({ err: error }, "deleting expired generation records failed; will retry"));
      }, options.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
