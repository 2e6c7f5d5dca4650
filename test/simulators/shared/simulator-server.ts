import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the simulator received, kept so tests can assert what the gateway sent upstream. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** Set when the client closed the connection before the answer finished. */
  clientClosedEarly: boolean;
  /** Stream events written so far (by handlers that write through `writePacedSseEvent`). */
  eventsWritten: number;
  /** How many times such a handler had to wait for the client (the gateway) to read before writing more. */
  backPressureWaits: number;
}

export type SimulatorHandler = (context: {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  body: unknown;
  recorded: RecordedRequest;
  /** True once the client has gone away; streaming handlers stop writing. */
  isClosed: () => boolean;
}) => Promise<void>;

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server for a simulated provider: parses JSON bodies, records every request, notices client
 * disconnects, and hands the work to a provider-specific handler.
 */
export async function startSimulatorServer(options: { port?: number; handler: SimulatorHandler }): Promise<RunningSimulator> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = undefined;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "Body is not JSON" } }));
        return;
      }
      const url = new URL(request.url ?? "/", "http://localhost");
      const recorded: RecordedRequest = { method: request.method ?? "GET", path: url.pathname, headers: request.headers, body, clientClosedEarly: false, eventsWritten: 0, backPressureWaits: 0 };
      requests.push(recorded);
      let closed = false;
      response.on("close", () => {
        if (!response.writableFinished) {
          closed = true;
          recorded.clientClosedEarly = true;
        }
      });
      options
        .handler({ request, response, url, body, recorded, isClosed: () => closed })
        .catch((error: unknown) => {
          if (!response.headersSent) {
            response.writeHead(500, { "content-type": "application/json" });
            response.end(JSON.stringify({ error: { message: String(error) } }));
          } else {
            response.destroy();
          }
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes one server-sent event; `event` is omitted for data-only streams (OpenAI, Gemini). */
export function writeSseEvent(response: ServerResponse, data: string, event?: string): void {
  response.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${data}\n\n`);
}

/**
 * Writes one server-sent event the way a real upstream server does under TCP back-pressure: when the
 * socket's buffer is full (the gateway is not reading), waits for it to drain (or close) before the next
 * event, counting the wait, so tests can see whether the gateway stopped reading.
 */
export async function writePacedSseEvent(options: { response: ServerResponse; recorded: RecordedRequest; data: string; event?: string }): Promise<void> {
  const { response, recorded } = options;
  const written = response.write(`${options.event === undefined ? "" : `event: ${options.event}\n`}data: ${options.data}\n\n`);
  recorded.eventsWritten += 1;
  if (written || response.destroyed) return;
  recorded.backPressureWaits += 1;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
  });
}
