import type { FastifyBaseLogger } from "fastify";
import type { ServerOptions } from "graphql-ws";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import type { WebSocketServer, WebSocket, RawData } from "ws";
import type { IncomingMessage } from "node:http";

/** What graphql-ws hands the hooks about a socket: the `ws` socket and its upgrade request. */
export interface WebSocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** Message types only a server sends: a client sending one breaks the protocol (4400, not a server fault). */
const SERVER_ONLY_TYPES = new Set(["next", "error", "connection_ack"]);

/**
 * Why a client frame is refused before graphql-ws sees it, or undefined to pass it on. graphql-ws answers a
 * client's `next` by throwing, which its `ws` adapter turns into 4500 "internal server error"; the protocol
 * says messages are JSON text, so a binary frame is refused too. Malformed JSON and unknown types are left to
 * graphql-ws, which closes with 4400 itself.
 */
export function refusedFrame(data: string, isBinary: boolean): string | undefined {
  if (isBinary) return "Binary frames are not part of the graphql-transport-ws protocol";
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return undefined;
  }
  const type = typeof message === "object" && message !== null ? (message as { type?: unknown }).type : undefined;
  if (typeof type === "string" && SERVER_ONLY_TYPES.has(type)) return `Unexpected message of type ${type}: only a server sends it`;
  return undefined;
}

/**
 * graphql-ws's core on a `ws` server, like graphql-ws's own `useServer` (keep-alive pings included), but
 * refusing protocol violations with 4400 and logging real failures (4500) through the gateway's logger instead
 * of the console.
 */
export function serveGraphQLWebSockets<P extends Record<string, unknown>, E extends WebSocketExtra>(options: {
  server: ServerOptions<P, E>;
  webSocketServer: WebSocketServer;
  logger: FastifyBaseLogger;
  extra: (socket: WebSocket, request: IncomingMessage) => E;
  keepAliveMs?: number;
}): { dispose(): Promise<void> } {
  const server = makeServer<P, E>(options.server);
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const { webSocketServer, logger } = options;
  webSocketServer.options.handleProtocols = handleProtocols;
  webSocketServer.on("connection", (socket, request) => {
    socket.once("error", (error) => {
      logger.warn({ err: error }, "graphql-ws socket error");
      socket.close(CloseCode.InternalServerError, "Internal server error");
    });
    let pongWait: NodeJS.Timeout | undefined;
    const pingInterval = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once("pong", () => clearTimeout(pongWait));
      socket.ping();
    }, keepAliveMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", async (raw: RawData, isBinary: boolean) => {
            const data = Buffer.isBuffer(raw) ? raw.toString("utf8") : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString("utf8");
            const refusal = refusedFrame(data, isBinary);
            if (refusal !== undefined) return socket.close(CloseCode.BadRequest, refusal);
            try {
              await handle(data);
            } catch (error) {
              logger.error({ err: error }, "graphql-ws message handling failed");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            }
          }),
      },
      options.extra(socket, request),
    );
    socket.once("close", (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(pingInterval);
      void closed(code, String(reason));
    });
  });
  return {
    dispose: async () => {
      for (const client of webSocketServer.clients) client.close(1001, "Going away");
      webSocketServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => webSocketServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
