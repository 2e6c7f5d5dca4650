/**
 * The part of a Node writable (a socket, an HTTP response) that back-pressure needs. `http.ServerResponse`
 * and `net.Socket` fit it as they are; another face (a WebSocket's underlying socket) can too.
 */
export interface DrainableSink {
  /** Bytes written but not yet handed to the operating system. */
  readonly writableLength: number;
  /** True once a `write()` returned false and until `drain` is emitted. */
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  once(event: "drain" | "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
  destroy(): unknown;
}

/** How a wait for room ended: room to write, the sink already gone, or the reader stalled and was cut. */
export type RoomOutcome = "ready" | "closed" | "stalled";

export interface BackPressureOptions {
  /** The most kept buffered for a reader that is not reading (the sink's own highWaterMark instead, if larger). */
  bufferBytes: number;
  /** A reader that does not drain within this long is cut (the sink destroyed). */
  stallTimeoutMs: number;
}

/**
 * Waits until `sink` has room for more, so a producer that awaits this between writes never buffers more than
 * `bufferBytes` (or the sink's highWaterMark, if larger) plus one write for a slow reader. Pulling the next part
 * of a stream only after this resolves is what carries the back-pressure upstream: the producer stops reading
 * its source, whose transport (TCP) then stops the sender. A reader still not draining after `stallTimeoutMs`
 * is disconnected: the sink is destroyed, which looks to everything listening like the client went away (the
 * request's abort signal fires, and the generation settles as cancelled for what was sent).
 *
 * Below the highWaterMark `write()` never asks for a drain and none is emitted, so only a buffer both over the
 * bound and flagged `writableNeedDrain` is waited on.
 */
export function waitForRoom(sink: DrainableSink, options: BackPressureOptions): Promise<RoomOutcome> {
  if (sink.destroyed) return Promise.resolve("closed");
  if (sink.writableLength <= options.bufferBytes || !sink.writableNeedDrain) return Promise.resolve("ready");
  return new Promise<RoomOutcome>((resolve) => {
    const finish = (outcome: RoomOutcome): void => {
      clearTimeout(timer);
      sink.off("drain", onDrain);
      sink.off("close", onClose);
      resolve(outcome);
    };
    const onDrain = (): void => finish("ready");
    const onClose = (): void => finish("closed");
    const timer = setTimeout(() => {
      finish("stalled");
      sink.destroy();
    }, options.stallTimeoutMs);
    sink.once("drain", onDrain);
    sink.once("close", onClose);
  });
}
