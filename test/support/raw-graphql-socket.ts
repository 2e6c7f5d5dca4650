import WebSocket from "ws";

/** A graphql-transport-ws message as it travels (only the fields tests read). */
export interface WireMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/**
 * A WebSocket speaking graphql-transport-ws by hand, for tests that need what the graphql-ws client hides:
 * pausing reads, raw and malformed frames, close codes, pings.
 */
export interface RawGraphQLSocket {
  socket: WebSocket;
  messages: WireMessage[];
  pings: number;
  /** The close code, once the socket closed. */
  closed: Promise<number>;
  send(message: unknown): void;
  /** Resolves with the first message (from now or already received) that matches; rejects if the socket closes first. */
  waitFor(predicate: (message: WireMessage) => boolean): Promise<WireMessage>;
}

export async function openRawGraphQLSocket(baseUrl: string, options: { headers?: Record<string, string> } = {}): Promise<RawGraphQLSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws", { headers: options.headers ?? {} });
  const messages: WireMessage[] = [];
  const waiters: Array<{ predicate: (message: WireMessage) => boolean; resolve: (message: WireMessage) => void; reject: (error: Error) => void }> = [];
  let closeCode: number | undefined;
  const raw: RawGraphQLSocket = {
    socket,
    messages,
    pings: 0,
    closed: new Promise<number>((resolve) => socket.once("close", (code) => resolve(code))),
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    waitFor: (predicate) => {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      if (closeCode !== undefined) return Promise.reject(new Error(`The socket closed (${closeCode}) before the awaited message`));
      return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }));
    },
  };
  socket.once("close", (code) => {
    closeCode = code;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`The socket closed (${code}) before the awaited message`));
  });
  socket.on("ping", () => {
    raw.pings += 1;
  });
  socket.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString("utf8")) as WireMessage;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return raw;
}

/** The `chatCompletion` event a `next` message carries, if any. */
export function eventOf(message: WireMessage): ({ __typename: string } & Record<string, unknown>) | undefined {
  if (message.type !== "next") return undefined;
  const payload = message.payload as { data?: { chatCompletion?: { __typename: string } & Record<string, unknown> } } | undefined;
  return payload?.data?.chatCompletion;
}
