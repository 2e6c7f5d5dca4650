import { eq } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/client.js";
import { jsonBatchInsert } from "../db/json-batch-insert.js";
import { generations } from "../db/schema/index.js";
import type { GenerationRow, NewGenerationRow } from "../db/schema/index.js";

/**
 * Writes generation records off the request's hot path: records are queued and inserted in batches (one
 * statement per batch) every few milliseconds. Reads check the queue first, so a record is visible to
 * `GET /generation` the moment its request finished, before its batch is written.
 *
 * `recordDurably` is the group-commit path of `BILLING_DURABILITY=strict`: a record someone waits for is
 * written at the next turn of the event loop instead of after the interval, together with every record queued
 * meanwhile, and while a write is in flight the next batch accumulates; so concurrent requests share writes.
 */
export interface GenerationRecorder {
  record(row: NewGenerationRow): void;
  /** Queues `row` and resolves once the batch holding it is committed; rejects when that write fails (the row stays queued and is retried). */
  recordDurably(row: NewGenerationRow): Promise<void>;
  find(id: string): Promise<GenerationRow | undefined>;
  /** Writes everything queued; called on shutdown and by tests. */
  flush(): Promise<void>;
  /**
   * Resolves once every record queued before the call is written (or its write failed), without waiting for
   * records that arrive meanwhile: what a usage query awaits so that a request that ended is counted, bounded
   * even under traffic that never lets the queue empty.
   */
  writeQueued(): Promise<void>;
  close(): Promise<void>;
}

const insertGenerations = jsonBatchInsert(generations);

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createGenerationRecorder(options: { db: Database; flushMs?: number; maxBatch?: number; logger?: FastifyBaseLogger }): GenerationRecorder {
  const flushMs = options.flushMs ?? 100;
  const maxBatch = options.maxBatch ?? 200;
  const pending = new Map<string, NewGenerationRow>();
  /** Callers waiting for their row's batch to commit, by row id. */
  const waiters = new Map<string, Waiter[]>();
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  // One writer at a time. Rows stay in `pending` (and readable by `find`) until their batch is written.
  let inFlight: Promise<boolean> | undefined;

  function schedule(): void {
    if (inFlight !== undefined || pending.size === 0) return;
    if (waiters.size > 0) {
      // Someone waits: write at the next turn, gathering whatever arrives in this one.
      immediate ??= setImmediate(() => {
        immediate = undefined;
        void writeNext();
      });
      return;
    }
    timer ??= setTimeout(() => void writeNext(), flushMs);
  }

  function settleWaiters(batch: readonly NewGenerationRow[], error: unknown): void {
    for (const row of batch) {
      const waiting = waiters.get(row.id);
      if (waiting === undefined) continue;
      waiters.delete(row.id);
      for (const waiter of waiting) {
        if (error === undefined) waiter.resolve();
        else waiter.reject(error);
      }
    }
  }

  /** Writes the oldest batch (or joins the write in flight); resolves true when that write succeeded. */
  function writeNext(): Promise<boolean> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (immediate !== undefined) clearImmediate(immediate);
    immediate = undefined;
    if (inFlight !== undefined) return inFlight;
    if (pending.size === 0) return Promise.resolve(true);
    const batch: NewGenerationRow[] = [];
    for (const row of pending.values()) {
      batch.push(row);
      if (batch.length === maxBatch) break;
    }
    inFlight = insertGenerations.insert(options.db, batch).then(
      () => {
        for (const row of batch) pending.delete(row.id);
        settleWaiters(batch, undefined);
        return true;
      },
      (error: unknown) => {
        options.logger?.error({ err: error, count: batch.length }, "writing generation records failed; will retry");
        settleWaiters(batch, error);
        return false;
      },
    );
    void inFlight.then((written) => {
      inFlight = undefined;
      // A full batch waiting goes at once, and so does a batch someone waits for (after a success); anything
      // less (or a retry after a failure) waits for the timer.
      if (written && (pending.size >= maxBatch || waiters.size > 0)) void writeNext();
      else if (written) schedule();
      else timer ??= setTimeout(() => void writeNext(), flushMs);
    });
    return inFlight;
  }

  function record(row: NewGenerationRow): void {
    pending.set(row.id, row);
    if (pending.size >= maxBatch && inFlight === undefined) void writeNext();
    else schedule();
  }

  return {
    record,
    recordDurably(row) {
      return new Promise<void>((resolve, reject) => {
        const waiting = waiters.get(row.id);
        if (waiting === undefined) waiters.set(row.id, [{ resolve, reject }]);
        else waiting.push({ resolve, reject });
        record(row);
      });
    },
    async find(id) {
      while (pending.has(id)) {
        if (!(await writeNext())) break;
      }
      const [row] = await options.db.select().from(generations).where(eq(generations.id, id));
      return row;
    },
    async flush() {
      while (pending.size > 0 || inFlight !== undefined) {
        if (!(await writeNext())) break;
      }
    },
    async writeQueued() {
      for (const id of [...pending.keys()]) {
        while (pending.has(id)) {
          if (!(await writeNext())) return;
        }
      }
    },
    async close() {
      await this.flush();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (immediate !== undefined) clearImmediate(immediate);
      immediate = undefined;
    },
  };
}
