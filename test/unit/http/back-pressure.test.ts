import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { waitForRoom } from "../../../src/http/back-pressure.js";

/** A writable whose reader takes nothing until `release()`: every write stays buffered, as for a stalled client. */
function stalledSink(highWaterMark: number): { sink: Writable; release: () => void } {
  const pending: Array<() => void> = [];
  const sink = new Writable({
    highWaterMark,
    write(_chunk, _encoding, callback) {
      pending.push(() => callback());
    },
  });
  const release = (): void => {
    // Each completed write lets the stream hand over the next buffered one, which lands in `pending` too.
    while (pending.length > 0) pending.shift()?.();
  };
  return { sink, release };
}

const OPTIONS = { bufferBytes: 1000, stallTimeoutMs: 60_000 };

describe("waitForRoom", () => {
  it("is ready at once while the buffer is within the bound", async () => {
    const { sink } = stalledSink(100);
    sink.write("x".repeat(600));
    expect(sink.writableNeedDrain).toBe(true);
    await expect(waitForRoom(sink, OPTIONS)).resolves.toBe("ready");
  });

  it("is ready at once below the sink's highWaterMark, where no drain would ever be emitted", async () => {
    const { sink } = stalledSink(4000);
    sink.write("x".repeat(1500));
    expect(sink.writableNeedDrain).toBe(false);
    await expect(waitForRoom(sink, OPTIONS)).resolves.toBe("ready");
  });

  it("waits past the bound until the reader drains the buffer", async () => {
    const { sink, release } = stalledSink(100);
    sink.write("x".repeat(1500));
    let outcome: string | undefined;
    const waiting = waitForRoom(sink, OPTIONS).then((value) => (outcome = value));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBeUndefined();
    release();
    await expect(waiting).resolves.toBe("ready");
    expect(sink.writableLength).toBe(0);
  });

  it("says closed when the sink goes away while waiting, and at once when it is already gone", async () => {
    const { sink } = stalledSink(100);
    sink.write("x".repeat(1500));
    const waiting = waitForRoom(sink, OPTIONS);
    sink.destroy();
    await expect(waiting).resolves.toBe("closed");
    await expect(waitForRoom(sink, OPTIONS)).resolves.toBe("closed");
  });

  it("cuts a reader that stays stalled past the timeout: the sink is destroyed", async () => {
    const { sink } = stalledSink(100);
    sink.write("x".repeat(1500));
    await expect(waitForRoom(sink, { bufferBytes: 1000, stallTimeoutMs: 20 })).resolves.toBe("stalled");
    expect(sink.destroyed).toBe(true);
    expect(sink.listenerCount("drain")).toBe(0);
  });
});
