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
  const flushMs = options.flushMs ?? 25;
  const maxBatch = options.maxBatch ?? 200;
  const pending = new Map<string, NewGenerationRow>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function writeBatch(): Promise<void> {
    timer = undefined;
    if (pending.size === 0) return writing;
    const batch = [...pending.values()].slice(0, maxBatch);
    writing = writing
      .then(async () => {
        await insertGenerations.insert(options.db, batch);
        for (const row of batch) pending.delete(row.id);
      })
      .catch((error: unknown) => {
        options.logger?.error({ err: error, count: batch.length }, "writing generation records failed; will retry");
      })
      .then(() => {
        if (pending.size > 0 && timer === undefined) timer = setTimeout(writeBatch, flushMs);
      });
    return writing;
  }

  return {
    record(row) {
      pending.set(row.id, row);
      if (pending.size >= maxBatch) void writeBatch();
      else timer ??= setTimeout(writeBatch, flushMs);
    },
    async find(id) {
      const queued = pending.get(id);
      if (queued !== undefined) {
        await writeBatch();
      }
      const [row] = await options.db.select().from(generations).where(eq(generations.id, id));
      return row;
    },
    async flush() {
      if (timer !== undefined) clearTimeout(timer);
      while (pending.size > 0) {
        const before = pending.size;
        await writeBatch();
        if (pending.size >= before) break;
      }
      await writing;
    },
    async close() {
      await this.flush();
    },
  };
}
