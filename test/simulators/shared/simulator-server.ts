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
      const recorded: RecordedRequest = { method: request.method ?? "GET", path: url.pathname, headers: request.headers, body, clientClosedEarly: false };
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
