import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toUsdNumber } from "../../src/billing/money.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedGateway, ServerSockets } from "../support/simulated-gateway.js";
import { startSimulatedGateway, trackServerSockets } from "../support/simulated-gateway.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * A client that reads a little of a long stream and then stops reading: the gateway must stop reading the
 * upstream (the simulator's socket sees back-pressure and stops advancing), keep no more than
 * STREAM_BUFFER_BYTES buffered for the client, cut the client after STREAM_STALL_TIMEOUT_MS, and settle the
 * generation as cancelled for exactly what it sent.
 */

const BUFFER_BYTES = 65_536;
const STALL_TIMEOUT_MS = 8000;
/**
 * Loopback TCP buffers grow to megabytes (a run saw ~4 MB between gateway and client and ~2 MB between
 * simulator and gateway before anything stopped), so the answer (~17 MB upstream) must be far longer than
 * what the kernels can hold for the upstream's stall to show.
 */
const WORDS = 100_000;
/**
 * Served by the OpenAI simulator, with room for the whole answer: its 128,000-token output limit is above
 * WORDS, so the hold's allowance (holds are upper bounds) never cuts these streams before the client does.
 */
const MODEL = "openai/gpt-5-nano";

let setup: SimulatedGateway | undefined;
let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
/** The gateway's side of each open connection, to read how much it keeps buffered for its client. */
let serverSockets: ServerSockets;

beforeAll(async () => {
  setup = await startSimulatedGateway({ usd: "50", config: { STREAM_BUFFER_BYTES: String(BUFFER_BYTES), STREAM_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS) } });
  ({ providers, gateway, key } = setup);
  serverSockets = trackServerSockets(gateway);
});

afterAll(async () => {
  await setup?.stop();
});

/** A raw HTTP/1.1 client on a TCP socket, so the test decides exactly when bytes are read. */
function rawStreamingRequest(body: unknown): { socket: Socket; received: () => string; ended: Promise<void> } {
  const payload = JSON.stringify(body);
  const socket = connect({ host: "127.0.0.1", port: gateway.port });
  socket.write(
    `POST /api/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer ${key.apiKey}\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
  );
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.once("error", () => resolve());
  });
  return { socket, received: () => Buffer.concat(chunks).toString("utf8"), ended };
}

/** The gateway's side of the client's connection, found by the client's local port. */
function serverSocketOf(client: Socket): Socket | undefined {
  return serverSockets.of(client.localPort);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

describe("a client that stops reading a stream", () => {
  it("stops the upstream, buffers at most STREAM_BUFFER_BYTES, is cut after the stall timeout and is charged for what was sent", { timeout: 120_000 }, async () => {
    const before = await key.balance();
    const requestsBefore = providers.openai.requests.length;
    const client = rawStreamingRequest({ model: MODEL, stream: true, messages: [{ role: "user", content: `long [[words:${WORDS}]]` }] });

    // Read a little, then stop reading.
    await expect.poll(() => client.received().includes('word50"'), { timeout: 30_000, interval: 5 }).toBe(true);
    client.socket.pause();
    const head = client.received();
    expect(head.startsWith("HTTP/1.1 200")).toBe(true);
    const generationId = /x-generation-id: (\S+)/i.exec(head)?.[1] ?? "";
    expect(generationId).not.toBe("");

    const upstream = providers.openai.requests[requestsBefore];
    expect(upstream).toBeDefined();
    const serverSocket = serverSocketOf(client.socket);
    expect(serverSocket).toBeDefined();

    // While the client is stalled: the simulator is held back by TCP, the gateway's buffer stays bounded.
    let peakBuffered = 0;
    const samples: number[] = [];
    for (;;) {
      const generation = await gateway.services.generations.find(generationId);
      if (generation !== undefined) break;
      if (serverSocket !== undefined && !serverSocket.destroyed) peakBuffered = Math.max(peakBuffered, serverSocket.writableLength);
      samples.push(upstream?.eventsWritten ?? 0);
      await sleep(50);
    }
    expect(upstream?.backPressureWaits).toBeGreaterThan(0);
    // The upstream got nowhere near the end of the answer, and had stopped advancing well before the cut.
    expect(upstream?.eventsWritten).toBeLessThan(WORDS / 2);
    expect(samples.length).toBeGreaterThan(10);
    const settledFrom = samples.at(-1) ?? 0;
    expect(samples.at(-10)).toBe(settledFrom);
    expect(peakBuffered).toBeGreaterThan(0);
    expect(peakBuffered).toBeLessThanOrEqual(BUFFER_BYTES + 1024);
    await expect.poll(() => upstream?.clientClosedEarly, { timeout: 10_000 }).toBe(true);

    // The client reads what reached it, up to the gateway's close.
    client.socket.resume();
    await client.ended;
    const events = client
      .received()
      .split("\n\n")
      .filter((event) => event.includes('"content":" word') || event.includes('"content":"long'));
    const deliveredWords = events.map((event) => /"content":"( ?word\d+)"/.exec(event)?.[1]).filter((word) => word !== undefined);
    // A cut stream has no usage from the upstream: its output is counted as the stream cut counts it, a token per
    // delta or per 8 bytes of text, whichever is more (AnswerAccumulator.outputTokens).
    const delivered = Math.max(deliveredWords.length, Math.ceil(Buffer.byteLength(deliveredWords.join(""), "utf8") / 8));
    const smallestEvent = Math.min(...events.map((event) => Buffer.byteLength(event)));

    const generation = await gateway.services.generations.find(generationId);
    expect(generation?.cancelled).toBe(true);
    const charged = generation?.tokensCompletion ?? 0;
    // Charged for every word the gateway sent: what the client read, plus at most what sat in the gateway's buffer when it was cut.
    expect(charged).toBeGreaterThanOrEqual(delivered);
    // Each word left in the buffer counts at most 2 tokens (the longest word here is 12 bytes).
    expect(charged - delivered).toBeLessThanOrEqual(2 * Math.ceil((BUFFER_BYTES + 1024) / smallestEvent));
    expect(charged).toBeLessThan(WORDS);

    const endpoint = gateway.services.catalog.snapshot().resolve(MODEL)?.endpoints[0];
    const expected = BigInt(generation?.tokensPrompt ?? 0) * (endpoint?.pricing.prompt ?? 0n) + BigInt(charged) * (endpoint?.pricing.completion ?? 0n);
    expect(generation?.totalCost).toBe(expected);
    expect(before - (await key.balance())).toBe(expected);
    const response = await fetch(`${gateway.url}/api/v1/generation?id=${generationId}`, { headers: { authorization: `Bearer ${key.apiKey}` } });
    const body = (await response.json()) as { data: { total_cost: number; tokens_completion: number; cancelled: boolean } };
    expect(body.data).toMatchObject({ total_cost: toUsdNumber(expected), tokens_completion: charged, cancelled: true });
  });

  it("resumes a client that pauses for less than the stall timeout, and delivers the whole answer", { timeout: 120_000 }, async () => {
    const words = 40_000;
    const requestsBefore = providers.openai.requests.length;
    const client = rawStreamingRequest({ model: MODEL, stream: true, messages: [{ role: "user", content: `long [[words:${words}]]` }] });
    await expect.poll(() => client.received().includes('word50"'), { timeout: 30_000, interval: 5 }).toBe(true);
    client.socket.pause();
    // Long enough for the gateway to fill the buffers and wait, well short of the stall timeout.
    await sleep(STALL_TIMEOUT_MS / 3);
    client.socket.resume();
    // The SSE response keeps the connection alive after its last event; the answer is complete at [DONE].
    await expect.poll(() => client.received().endsWith("data: [DONE]\n\n\r\n0\r\n\r\n"), { timeout: 60_000, interval: 20 }).toBe(true);
    client.socket.destroy();
    const transcript = client.received();
    const text = [...transcript.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map((match) => match[1]).join("");
    expect(text).toBe(Array.from({ length: words }, (_, index) => `word${index + 1}`).join(" "));
    expect(providers.openai.requests[requestsBefore]?.backPressureWaits).toBeGreaterThan(0);
    const generationId = /x-generation-id: (\S+)/i.exec(transcript)?.[1] ?? "";
    const generation = await gateway.services.generations.find(generationId);
    expect(generation?.cancelled).toBe(false);
    expect(generation?.tokensCompletion).toBe(words);
  });
});
