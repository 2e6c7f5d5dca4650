import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/index.js";
import { createUpstreamDispatcher } from "../../../src/providers/shared/create-upstream-dispatcher.js";
import { postEventStream, type ServerSentEvent } from "../../../src/providers/shared/post-event-stream.js";
import { postJson } from "../../../src/providers/shared/post-json.js";

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let dispatcher: Agent;
const routes = new Map<string, Route>();
const closedEarly = new Set<string>();

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const path = request.url ?? "/";
      response.on("close", () => {
        if (!response.writableFinished) closedEarly.add(path);
      });
      routes.get(path)?.(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dispatcher = createUpstreamDispatcher({ headersTimeoutMs: 300, bodyTimeoutMs: 300 });
});

afterAll(async () => {
  await dispatcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request = (path: string, extra: { abortSignal?: AbortSignal } = {}) => ({
  provider: "acme",
  url: `${baseUrl}${path}`,
  headers: { authorization: "Bearer k", "x-absent": undefined },
  body: { hello: "world" },
  dispatcher,
  ...extra,
});

async function readAll(events: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const seen: ServerSentEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe("postJson", () => {
  it("sends JSON with the headers given and returns the parsed body", async () => {
    let seen: { headers: IncomingMessage["headers"]; body: string } | undefined;
    routes.set("/json", (incoming, response, body) => {
      seen = { headers: incoming.headers, body };
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"ok":true}');
    });
    expect(await postJson(request("/json"))).toEqual({ ok: true });
    expect(seen?.body).toBe('{"hello":"world"}');
    expect(seen?.headers).toMatchObject({ authorization: "Bearer k", "content-type": "application/json", accept: "application/json" });
    expect(seen?.headers["x-absent"]).toBeUndefined();
  });

  it("throws a classified error for an error status", async () => {
    routes.set("/limited", (_incoming, response) => {
      response.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      response.end('{"error":{"message":"slow down"}}');
    });
    await expect(postJson(request("/limited"))).rejects.toMatchObject({
      kind: "rate_limit_exceeded",
      retryable: true,
      headers: { "Retry-After": "3" },
      metadata: { raw: "slow down" },
    });
  });

  it("throws a retryable error for a 2xx body that is not JSON", async () => {
    routes.set("/html", (_incoming, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>");
    });
    await expect(postJson(request("/html"))).rejects.toMatchObject({ kind: "provider_unavailable", retryable: true });
  });

  it("times out as a retryable error when headers never come", async () => {
    routes.set("/silent", () => undefined);
    await expect(postJson(request("/silent"))).rejects.toMatchObject({ kind: "timeout", retryable: true });
  });
});

describe("postEventStream", () => {
  it("parses events split across writes, with comments, CRLF, multi-line data and event names", async () => {
    routes.set("/sse", async (_incoming, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(": keep-alive comment\n\n");
      response.write('data: {"a":');
      await delay(5);
      response.write("1}\r\n\r\n");
      response.write("event: message_start\ndata: line one\ndata: line two\n\n");
      response.write("data: [DONE]"); // no blank line before the connection closes
      response.end();
    });
    const events = await readAll(await postEventStream(request("/sse")));
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: "message_start", data: "line one\nline two" },
      { event: undefined, data: "[DONE]" },
    ]);
  });

  it("decodes multi-byte characters split between chunks", async () => {
    routes.set("/utf8", async (_incoming, response) => {
      const bytes = Buffer.from("data: héllo 👋\n\n", "utf8");
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(bytes.subarray(0, 8));
      await delay(5);
      response.end(bytes.subarray(8));
    });
    expect(await readAll(await postEventStream(request("/utf8")))).toEqual([{ event: undefined, data: "héllo 👋" }]);
  });

  it("throws before iteration on an error status", async () => {
    routes.set("/sse-error", (_incoming, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end('{"error":{"message":"bad"}}');
    });
    const error = await postEventStream(request("/sse-error")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "invalid_request", retryable: false });
  });

  const endless: Route = (_incoming, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    const timer = setInterval(() => response.write("data: tick\n\n"), 10);
    response.on("close", () => clearInterval(timer));
  };

  it("closes the upstream connection when iteration stops early", async () => {
    routes.set("/endless-break", endless);
    const events = await postEventStream(request("/endless-break"));
    for await (const event of events) {
      expect(event.data).toBe("tick");
      break;
    }
    await expect.poll(() => closedEarly.has("/endless-break")).toBe(true);
  });

  it("closes the upstream connection and ends iteration when the signal aborts", async () => {
    routes.set("/endless-abort", endless);
    const controller = new AbortController();
    const events = await postEventStream(request("/endless-abort", { abortSignal: controller.signal }));
    let count = 0;
    const error = await (async () => {
      for await (const _event of events) {
        count += 1;
        if (count === 2) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: "timeout", retryable: false, metadata: { aborted: true } });
    await expect.poll(() => closedEarly.has("/endless-abort")).toBe(true);
  });

  it("turns a stalled body into a retryable timeout thrown from the iterator", async () => {
    routes.set("/stall", (_incoming, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: first\n\n");
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of await postEventStream(request("/stall"))) seen.push(event.data);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(["first"]);
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
  });
});
