import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import { createStreamSlots } from "../../../src/graphql/stream-slots.js";

function refusal(open: () => unknown): GatewayError | undefined {
  try {
    open();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  return undefined;
}

describe("stream slots", () => {
  it("caps streams per socket with a 429 naming the socket scope, and frees a slot on release", () => {
    const socket = createStreamSlots({ perKey: 10, perSocket: 2 }).forSocket();
    const first = socket.open("key-a");
    socket.open("key-b");
    const refused = refusal(() => socket.open("key-c"));
    expect(refused?.status).toBe(429);
    expect(refused?.metadata).toEqual({ limit: 2, scope: "socket" });
    first.release();
    first.release();
    expect(refusal(() => socket.open("key-c"))).toBeUndefined();
  });

  it("caps streams per key across sockets, counting each release once", () => {
    const slots = createStreamSlots({ perKey: 2, perSocket: 10 });
    const one = slots.forSocket();
    const two = slots.forSocket();
    const held = one.open("key");
    two.open("key");
    expect(refusal(() => two.open("key"))?.metadata).toEqual({ limit: 2, scope: "key" });
    expect(refusal(() => one.open("other key"))).toBeUndefined();
    held.release();
    held.release();
    expect(slots.openFor("key")).toBe(1);
    expect(refusal(() => one.open("key"))).toBeUndefined();
  });

  it("aborts every stream of a socket, and only that socket's", () => {
    const slots = createStreamSlots({ perKey: 10, perSocket: 10 });
    const gone = slots.forSocket();
    const staying = slots.forSocket();
    const a = gone.open("key");
    const b = gone.open("key");
    const released = gone.open("key");
    released.release();
    const c = staying.open("key");
    gone.abortAll();
    expect([a.signal.aborted, b.signal.aborted, released.signal.aborted, c.signal.aborted]).toEqual([true, true, false, false]);
  });
});
