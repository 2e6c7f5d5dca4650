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
 */
export interface GenerationRecorder {
  record(row: NewGenerationRow): void;
  find(id: string): Promise<GenerationRow | undefined>;
  /** Writes everything queued; called on shutdown and by tests. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const insertGenerations = jsonBatchInsert(generations);

export function createGenerationRecorder(options: { db: Database; flushMs?: number; maxBatch?: number; logger?: FastifyBaseLogger }): GenerationRecorder {
  const flushMs = options.flushMs ?? 100;
  const maxBatch = options.maxBatch ?? 200;
  const pending = new Map<string, NewGenerationRow>();
  let timer: NodeJS.Timeout | undefined;
  // One writer at a time. Rows stay in `pending` (and readable by `find`) until their batch is written.
  let inFlight: Promise<boolean> | undefined;

  function schedule(): void {
    if (inFlight !== undefined || timer !== undefined || pending.size === 0) return;
    timer = setTimeout(() => void writeNext(), flushMs);
  }

  /** Writes the oldest batch (or joins the write in flight); resolves true when that write succeeded. */
  function writeNext(): Promise<boolean> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
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
        return true;
      },
      (error: unknown) => {
        options.logger?.error({ err: error, count: batch.length }, "writing generation records failed; will retry");
        return false;
      },
    );
    void inFlight.then((written) => {
      inFlight = undefined;
      // A full batch waiting goes at once; anything less (or a retry after a failure) waits for the timer.
      if (written && pending.size >= maxBatch) void writeNext();
      else schedule();
    });
    return inFlight;
  }

  return {
    record(row) {
      pending.set(row.id, row);
      if (pending.size >= maxBatch && inFlight === undefined) void writeNext();
      else schedule();
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
    async close() {
      await this.flush();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
