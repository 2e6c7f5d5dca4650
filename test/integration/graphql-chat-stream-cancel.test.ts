import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { toUsdNumber } from "../../src/billing/money.js";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import { CHAT_COMPLETION_SUBSCRIPTION, subscribeToChatCompletion } from "../support/chat-subscription.js";
import { webSocketClient } from "../support/graphql-client.js";
import { eventOf, openRawGraphQLSocket } from "../support/raw-graphql-socket.js";
import type { SimulatedGateway, ServerSockets } from "../support/simulated-gateway.js";
import { startSimulatedGateway, trackServerSockets } from "../support/simulated-gateway.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";
import type { RunningSimulator } from "../simulators/shared/simulator-server.js";

/**
 * Cancelling a streamed answer over graphql-ws: completing the operation or dropping the socket stops the
 * upstream at once (the simulator sees its connection closed before the answer ended), and the generation is
 * charged, in the ledger and in its record, exactly for the tokens the client was sent. A client that stops
 * reading holds the upstream back and is cut with SUBSCRIBER_TOO_SLOW; shutdown closes sockets with 1001.
 */

const STALL_TIMEOUT_MS = 2000;

let setup: SimulatedGateway | undefined;
let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
let serverSockets: ServerSockets;

beforeAll(async () => {
  setup = await startSimulatedGateway({ usd: "50", config: { STREAM_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS) } });
  ({ providers, gateway, key } = setup);
  serverSockets = trackServerSockets(gateway);
});

afterAll(async () => {
  await setup?.stop();
});

/**
 * The output tokens a cut stream is charged for, counted from what the client received as the gateway counts a
 * stream without the upstream's usage (AnswerAccumulator.outputTokens): a token per delta, or per 8 bytes of
 * text when that is more.
 */
function tokensOfDeltas(events: ReadonlyArray<{ __typename: string } & Record<string, unknown>>): number {
  const texts = events.filter((event) => event.__typename === "ChatCompletionContentDelta").map((event) => String(event.delta));
  return Math.max(texts.length, Math.ceil(Buffer.byteLength(texts.join(""), "utf8") / 8));
}

/** What `count` output tokens and the recorded prompt cost at the model's first endpoint, exactly. */
function costOf(target: TestGateway, model: string, tokens: { prompt: number; completion: number }): bigint {
  const endpoint = target.services.catalog.snapshot().resolve(model)?.endpoints[0];
  return BigInt(tokens.prompt) * (endpoint?.pricing.prompt ?? 0n) + BigInt(tokens.completion) * (endpoint?.pricing.completion ?? 0n);
}

/** The charge recorded for a generation: in its record, through REST `/generation`, and in the balance. */
async function expectChargedExactly(options: { target: TestGateway; generationId: string; model: string; delivered: number; balanceBefore: bigint; fundedKey: FundedKey }) {
  const { target } = options;
  await expect.poll(async () => (await target.services.generations.find(options.generationId))?.cancelled, { timeout: 10_000 }).toBe(true);
  const record = await target.services.generations.find(options.generationId);
  expect(record?.tokensCompletion).toBe(options.delivered);
  const expected = costOf(target, options.model, { prompt: record?.tokensPrompt ?? 0, completion: options.delivered });
  expect(expected).toBeGreaterThan(0n);
  expect(record?.totalCost).toBe(expected);
  expect(options.balanceBefore - (await options.fundedKey.balance())).toBe(expected);
  const response = await fetch(`${target.url}/api/v1/generation?id=${options.generationId}`, { headers: { authorization: `Bearer ${options.fundedKey.apiKey}` } });
  const body = (await response.json()) as { data: Record<string, unknown> };
  expect(body.data).toMatchObject({ cancelled: true, tokens_completion: options.delivered, total_cost: toUsdNumber(expected) });
}

const SLOW_MODELS = [
  { format: "OpenAI", model: "openai/gpt-4o-mini", simulator: () => providers.openai },
  { format: "Anthropic", model: "anthropic/claude-haiku-4.5", simulator: () => providers.anthropic },
  { format: "Gemini", model: "google/gemini-3-pro-preview", simulator: () => providers.gemini },
] as const;

/** Every word streams 200 ms after the last: the client's `complete` always lands while the next is awaited. */
const SLOW_PROMPT = "Count slowly [[words:300]] [[delay:200]]";
const DELIVERED_BEFORE_CANCEL = 5;

describe.each(SLOW_MODELS)("cancelling a $format stream", ({ model, simulator }) => {
  it("completing the operation aborts the upstream at once and charges exactly the tokens delivered", { timeout: 60_000 }, async () => {
    const upstream: RunningSimulator = simulator();
    const requestsBefore = upstream.requests.length;
    const balanceBefore = await key.balance();
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const outcome = await subscribeToChatCompletion(client, { model, messages: [{ role: "user", content: SLOW_PROMPT }] }, (_event, events) =>
        events.filter((event) => event.__typename === "ChatCompletionContentDelta").length === DELIVERED_BEFORE_CANCEL ? "stop" : undefined,
      );
      const generationId = String(outcome.events[0]?.generationId);
      const recorded = upstream.requests[requestsBefore];
      await expect.poll(() => recorded?.clientClosedEarly, { timeout: 5000 }).toBe(true);
      expect(tokensOfDeltas(outcome.events)).toBe(DELIVERED_BEFORE_CANCEL);
      await expectChargedExactly({ target: gateway, generationId, model, delivered: tokensOfDeltas(outcome.events), balanceBefore, fundedKey: key });
    } finally {
      await client.dispose();
    }
  });
});

describe("a socket that drops mid-stream", () => {
  it("aborts the upstream and charges exactly the tokens delivered", { timeout: 60_000 }, async () => {
    const model = "openai/gpt-4o-mini";
    const requestsBefore = providers.openai.requests.length;
    const balanceBefore = await key.balance();
    const raw = await openRawGraphQLSocket(gateway.url);
    raw.send({ type: "connection_init", payload: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    raw.send({ id: "1", type: "subscribe", payload: { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input: { model, messages: [{ role: "user", content: SLOW_PROMPT }] } } } });
    const deltas = (): number => raw.messages.filter((message) => eventOf(message)?.__typename === "ChatCompletionContentDelta").length;
    await expect.poll(deltas, { timeout: 20_000, interval: 5 }).toBe(3);
    raw.socket.terminate();
    await raw.closed;
    const generationId = String(raw.messages.map(eventOf).find((event) => event?.__typename === "ChatCompletionStarted")?.generationId);
    await expect.poll(() => providers.openai.requests[requestsBefore]?.clientClosedEarly, { timeout: 5000 }).toBe(true);
    const received = raw.messages.map(eventOf).filter((event) => event !== undefined);
    await expectChargedExactly({ target: gateway, generationId, model, delivered: tokensOfDeltas(received), balanceBefore, fundedKey: key });
  });
});

describe("a subscriber that stops reading", () => {
  it("holds the upstream back with bounded buffers, is cut with SUBSCRIBER_TOO_SLOW and charged for what it was sent", { timeout: 120_000 }, async () => {
    const model = "openai/gpt-5-nano";
    const words = 100_000;
    const requestsBefore = providers.openai.requests.length;
    const balanceBefore = await key.balance();
    const raw = await openRawGraphQLSocket(gateway.url);
    raw.send({ type: "connection_init", payload: { Authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    raw.send({ id: "slow", type: "subscribe", payload: { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input: { model, messages: [{ role: "user", content: `long [[words:${words}]]` }] } } } });
    const deltas = (): number => raw.messages.filter((message) => eventOf(message)?.__typename === "ChatCompletionContentDelta").length;
    await expect.poll(deltas, { timeout: 30_000, interval: 2 }).toBeGreaterThanOrEqual(50);
    (raw.socket as WebSocket).pause();
    const generationId = String(raw.messages.map(eventOf).find((event) => event?.__typename === "ChatCompletionStarted")?.generationId);
    const serverSocket = serverSockets.of((raw.socket as unknown as { _socket: Socket })._socket.localPort);
    expect(serverSocket).toBeDefined();

    // While the client reads nothing: the gateway keeps at most one event unwritten, and the upstream stalls.
    let peakBuffered = 0;
    for (;;) {
      peakBuffered = Math.max(peakBuffered, serverSocket?.writableLength ?? 0);
      if ((await gateway.services.generations.find(generationId)) !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const upstream = providers.openai.requests[requestsBefore];
    expect(upstream?.backPressureWaits).toBeGreaterThan(0);
    expect(upstream?.eventsWritten).toBeLessThan(words / 2);
    expect(peakBuffered).toBeLessThanOrEqual(4096);
    await expect.poll(() => upstream?.clientClosedEarly, { timeout: 10_000 }).toBe(true);

    // Reading again, the client gets every event the gateway took from the upstream, then the error.
    (raw.socket as WebSocket).resume();
    const last = await raw.waitFor((message) => eventOf(message)?.__typename === "ChatCompletionError");
    expect(eventOf(last)).toMatchObject({ code: "SUBSCRIBER_TOO_SLOW" });
    await raw.waitFor((message) => message.type === "complete" && message.id === "slow");
    const delivered = tokensOfDeltas(raw.messages.map(eventOf).filter((event) => event !== undefined));
    expect(deltas()).toBeLessThan(words);
    expect((eventOf(last)?.chargedUsage as { completionTokens: number }).completionTokens).toBe(delivered);
    await expectChargedExactly({ target: gateway, generationId, model, delivered, balanceBefore, fundedKey: key });
    raw.socket.close();
  });
});

describe("shutdown", () => {
  it("closes subscribers with 1001 and settles their generations for what was delivered", { timeout: 60_000 }, async () => {
    const model = "openai/gpt-4o-mini";
    const own = await startTestGateway({ env: providers.env });
    const ownKey = await createFundedKey(own, { usd: "5" });
    const balanceBefore = await ownKey.balance();
    const raw = await openRawGraphQLSocket(own.url, { headers: { authorization: `Bearer ${ownKey.apiKey}` } });
    raw.send({ type: "connection_init" });
    await raw.waitFor((message) => message.type === "connection_ack");
    raw.send({ id: "1", type: "subscribe", payload: { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input: { model, messages: [{ role: "user", content: SLOW_PROMPT }] } } } });
    const deltas = (): number => raw.messages.filter((message) => eventOf(message)?.__typename === "ChatCompletionContentDelta").length;
    await expect.poll(deltas, { timeout: 20_000, interval: 5 }).toBe(2);
    await own.close();
    expect(await raw.closed).toBe(1001);
    const generationId = String(raw.messages.map(eventOf).find((event) => event?.__typename === "ChatCompletionStarted")?.generationId);
    // A second gateway on the same database reads what the first settled before it stopped.
    const after = await startTestGateway({ env: providers.env, database: { ...own.database, handle: await own.database.reopen() } });
    try {
      const afterKey = { ...ownKey, balance: async () => (await after.services.ledger.balanceOf(ownKey.accountId)).balance };
      const received = raw.messages.map(eventOf).filter((event) => event !== undefined);
      await expectChargedExactly({ target: after, generationId, model, delivered: tokensOfDeltas(received), balanceBefore, fundedKey: afterKey });
    } finally {
      await after.stop();
    }
  });
});
