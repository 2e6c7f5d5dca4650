import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the faulty upstream does with a request for one provider model id:
 * - `ok`: forwards it to the real OpenAI simulator and relays its answer byte for byte;
 * - `slow`: the same after `slowMs`;
 * - `500`: an OpenAI-style 500 error;
 * - `429`: a rate-limit error with `Retry-After: retryAfterSeconds`;
 * - `invalid-json`: a 200 whose JSON body (or first SSE event) cannot be parsed;
 * - `drop-before-output`: a stream that sends its headers and the role chunk, then cuts the connection;
 * - `drop-mid-stream`: a stream that sends two content chunks, then cuts the connection;
 * - `hang`: accepts and never answers (the gateway's headers timeout must end it).
 */
export type FaultMode = "ok" | "slow" | "500" | "429" | "invalid-json" | "drop-before-output" | "drop-mid-stream" | "hang";

export interface FaultUpstream {
  /** Base URL to give the gateway as a provider's `<VENDOR>_BASE_URL`. */
  url: string;
  /** Sets the mode for one provider model id (the id in the request body's `model`). */
  setMode(providerModelId: string, mode: FaultMode): void;
  /** How many requests each provider model id received. */
  hits(providerModelId: string): number;
  slowMs: number;
  retryAfterSeconds: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function chunk(model: string, delta: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-fault", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
}

/**
 * A local OpenAI-compatible upstream that fails on demand, per model, in front of the OpenAI simulator (which
 * serves the `ok` and `slow` modes). Started per test file; `close` also ends hanging requests.
 */
export async function startFaultUpstream(options: { simulatorUrl: string; simulatorKey: string }): Promise<FaultUpstream> {
  const modes = new Map<string, FaultMode>();
  const counts = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const state = { slowMs: 200, retryAfterSeconds: 30 };

  async function forward(path: string, body: string, response: ServerResponse): Promise<void> {
    const upstream = await fetch(`${options.simulatorUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.simulatorKey}` },
      body,
    });
    response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    if (upstream.body !== null) for await (const part of upstream.body) response.write(part);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const body = JSON.parse(text) as { model?: string; stream?: boolean };
    const model = body.model ?? "";
    counts.set(model, (counts.get(model) ?? 0) + 1);
    const mode = modes.get(model) ?? "ok";
    const path = (request.url ?? "").replace(/^\/v1/, "/v1");
    switch (mode) {
      case "ok":
        return forward(path, text, response);
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, state.slowMs));
        return forward(path, text, response);
      case "500":
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "The server had an error while processing your request", type: "server_error" } }));
        return;
      case "429":
        response.writeHead(429, { "content-type": "application/json", "retry-after": String(state.retryAfterSeconds) });
        response.end(JSON.stringify({ error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } }));
        return;
      case "invalid-json":
        if (body.stream === true) {
          response.writeHead(200, { "content-type": "text/event-stream" });
          response.end("data: {not json\n\n");
        } else {
          response.writeHead(200, { "content-type": "application/json" });
          response.end("{not json");
        }
        return;
      case "drop-before-output":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(chunk(model, { role: "assistant", content: "" }));
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      case "drop-mid-stream":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(chunk(model, { role: "assistant", content: "" }));
        response.write(chunk(model, { content: "Half " }));
        response.write(chunk(model, { content: "an answer" }));
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      case "hang":
        open.add(response);
        return;
      default: {
        const unknown: never = mode;
        throw new Error(`unknown mode ${String(unknown)}`);
      }
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    setMode: (providerModelId, mode) => modes.set(providerModelId, mode),
    hits: (providerModelId) => counts.get(providerModelId) ?? 0,
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(value: number) {
      state.slowMs = value;
    },
    get retryAfterSeconds() {
      return state.retryAfterSeconds;
    },
    set retryAfterSeconds(value: number) {
      state.retryAfterSeconds = value;
    },
    close: async () => {
      for (const response of open) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
