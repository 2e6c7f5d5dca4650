import { describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/client.js";
import type { NewGenerationRow } from "../../../src/db/schema/index.js";
import { createGenerationRecorder } from "../../../src/generations/generation-recorder.js";

/** A stand-in database that records each batch insert (the rows of its one jsonb parameter) and can be slow or fail. */
function fakeDatabase(options: { delayMs: number; failures?: number }) {
  const batches: string[][] = [];
  let failuresLeft = options.failures ?? 0;
  const db = {
    execute: async (statement: { queryChunks: unknown[] }) => {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error("database unavailable");
      }
      const payload = JSON.stringify(statement.queryChunks);
      batches.push([...payload.matchAll(/gen-test-\d+/g)].map((match) => match[0]));
      return [];
    },
  };
  return { db: db as unknown as Database, batches };
}

const row = (index: number): NewGenerationRow => ({ id: `gen-test-${index}`, model: "m", apiType: "completions", streamed: false });

describe("generation recorder", () => {
  it("writeQueued waits for the records queued before it, not for those that keep arriving", async () => {
    const { db, batches } = fakeDatabase({ delayMs: 10 });
    const recorder = createGenerationRecorder({ db, flushMs: 3_600_000, maxBatch: 10 });
    for (let index = 0; index < 25; index += 1) recorder.record(row(index));
    let next = 25;
    // Traffic that never lets the queue empty: a new record every millisecond until writeQueued returns.
    const traffic = setInterval(() => recorder.record(row(next++)), 1);
    await recorder.writeQueued();
    clearInterval(traffic);
    const written = new Set(batches.flat());
    for (let index = 0; index < 25; index += 1) expect(written.has(`gen-test-${index}`)).toBe(true);
    expect(next).toBeGreaterThan(25);
    await recorder.close();
  });

  it("writes a backlog once, in full batches, however many records arrive while a write is in flight", async () => {
    const { db, batches } = fakeDatabase({ delayMs: 20 });
    const recorder = createGenerationRecorder({ db, flushMs: 5, maxBatch: 50 });
    for (let index = 0; index < 1000; index += 1) recorder.record(row(index));
    await recorder.flush();
    const written = batches.flat();
    expect(written).toHaveLength(1000);
    expect(new Set(written).size).toBe(1000);
    expect(batches).toHaveLength(20);
    expect(batches.every((batch) => batch.length === 50)).toBe(true);
  });

  it("retries after a failed write, and a flush against a database that keeps failing returns instead of hanging", async () => {
    const flaky = fakeDatabase({ delayMs: 1, failures: 1 });
    const recorder = createGenerationRecorder({ db: flaky.db, flushMs: 5, maxBatch: 50 });
    recorder.record(row(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(flaky.batches.flat()).toEqual(["gen-test-1"]);

    const down = fakeDatabase({ delayMs: 1, failures: Number.POSITIVE_INFINITY });
    const stuck = createGenerationRecorder({ db: down.db, flushMs: 5, maxBatch: 50 });
    stuck.record(row(2));
    await stuck.close();
    expect(down.batches).toEqual([]);
  });

  it("group commit: a record waited for is written at once, not after the interval, with every record queued meanwhile", async () => {
    const { db, batches } = fakeDatabase({ delayMs: 20 });
    // An interval no test would wait for: only the waiters can make these writes happen.
    const recorder = createGenerationRecorder({ db, flushMs: 3_600_000, maxBatch: 200 });
    const first = recorder.recordDurably(row(0));
    // Arrives while the first write is in flight: shares the next write with the 49 after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = Array.from({ length: 49 }, (_, index) => recorder.recordDurably(row(index + 1)));
    await first;
    expect(batches).toEqual([["gen-test-0"]]);
    await Promise.all(rest);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toHaveLength(49);
    await recorder.close();
  });

  it("a waited-for record whose write fails rejects its waiter, stays queued and is written by the retry", async () => {
    const flaky = fakeDatabase({ delayMs: 1, failures: 1 });
    const recorder = createGenerationRecorder({ db: flaky.db, flushMs: 5, maxBatch: 50 });
    await expect(recorder.recordDurably(row(7))).rejects.toThrow("database unavailable");
    await recorder.flush();
    expect(flaky.batches.flat()).toEqual(["gen-test-7"]);
  });
});
