import { GatewayError } from "../core/errors.js";

/** One open streaming operation: its abort controller (fired when the socket goes) and the slot's release. */
export interface StreamSlot {
  readonly signal: AbortSignal;
  /** Aborts this operation's upstream request (the client completed it, or fell too far behind). */
  abort(): void;
  /** Gives the slot back; idempotent. */
  release(): void;
}

/** The streaming operations of one WebSocket. */
export interface SocketStreams {
  /** Takes a slot for the key on this socket, or throws a 429 past either cap. */
  open(keyHash: string): StreamSlot;
  /** The socket is gone: every operation still open on it is aborted at once. */
  abortAll(): void;
}

/** Caps on concurrent streaming operations in this instance. */
export interface StreamCaps {
  perKey: number;
  perSocket: number;
}

/**
 * Counts streaming subscriptions per key (across the sockets of this instance) and per socket, so one client
 * cannot hold an unbounded number of upstream requests open. Each operation gets its own AbortController,
 * kept in a set per socket rather than listening on one shared signal, so thousands of operations never pile
 * listeners on one AbortSignal.
 */
export function createStreamSlots(caps: StreamCaps): { forSocket(): SocketStreams; openFor(keyHash: string): number } {
  const perKey = new Map<string, number>();

  function forSocket(): SocketStreams {
    const open = new Set<AbortController>();
    return {
      open(keyHash) {
        if (open.size >= caps.perSocket) {
          throw new GatewayError("rate_limit_exceeded", `At most ${caps.perSocket} streaming operations may run at once on one connection`, {
            metadata: { limit: caps.perSocket, scope: "socket" },
          });
        }
        const held = perKey.get(keyHash) ?? 0;
        if (held >= caps.perKey) {
          throw new GatewayError("rate_limit_exceeded", `At most ${caps.perKey} streaming operations may run at once for one key`, {
            metadata: { limit: caps.perKey, scope: "key" },
          });
        }
        perKey.set(keyHash, held + 1);
        const controller = new AbortController();
        open.add(controller);
        let released = false;
        return {
          signal: controller.signal,
          abort: () => controller.abort(),
          release() {
            if (released) return;
            released = true;
            open.delete(controller);
            const now = (perKey.get(keyHash) ?? 1) - 1;
            if (now <= 0) perKey.delete(keyHash);
            else perKey.set(keyHash, now);
          },
        };
      },
      abortAll() {
        for (const controller of open) controller.abort();
      },
    };
  }

  return { forSocket, openFor: (keyHash) => perKey.get(keyHash) ?? 0 };
}
