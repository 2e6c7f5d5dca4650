import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { TEST_OPERATOR, createFundedKey } from "../support/api-keys.js";
import { CHAT_COMPLETION_SUBSCRIPTION } from "../support/chat-subscription.js";
import type { RawGraphQLSocket, WireMessage } from "../support/raw-graphql-socket.js";
import { eventOf, openRawGraphQLSocket } from "../support/raw-graphql-socket.js";
import type { SimulatedGateway } from "../support/simulated-gateway.js";
import { startSimulatedGateway } from "../support/simulated-gateway.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * The `chatCompletion` subscription's socket: authentication from connection_init (any letter case) or the
 * upgrade request's Authorization header, 4403 for a refused key, a key disabled or deleted while connected
 * refused for new operations within KEY_CACHE_TTL_MS, keep-alive pings, and protocol violations closed with
 * graphql-ws's codes while the gateway keeps serving.
 */

const KEY_CACHE_TTL_MS = 300;
const MANAGEMENT_KEY = "mk-socket-test-key-0123456789abcdef";

let setup: SimulatedGateway | undefined;
let gateway: TestGateway;
let key: FundedKey;

beforeAll(async () => {
  setup = await startSimulatedGateway({
    usd: "5",
    config: { KEY_CACHE_TTL_MS: String(KEY_CACHE_TTL_MS), GRAPHQL_WS_KEEPALIVE_MS: "600", GRAPHQL_WS_MAX_PAYLOAD_BYTES: "4096", MANAGEMENT_KEY },
  });
  ({ gateway, key } = setup);
});

afterAll(async () => {
  await setup?.stop();
});

const INPUT = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello [[words:4]]" }] };

function subscribe(raw: RawGraphQLSocket, id: string, input: unknown = INPUT): void {
  raw.send({ id, type: "subscribe", payload: { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input } } });
}

/** The operation's end: its last event (completed) or its errors (refused). */
async function outcomeOf(raw: RawGraphQLSocket, id: string): Promise<{ last: ReturnType<typeof eventOf>; errors: Array<{ extensions?: Record<string, unknown> }> }> {
  const end = await raw.waitFor((message) => message.id === id && (message.type === "complete" || message.type === "error"));
  const mine = raw.messages.filter((message) => message.id === id);
  const errors = end.type === "error" ? (end.payload as Array<{ extensions?: Record<string, unknown> }>) : mine.flatMap((message: WireMessage) => ((message.payload as { errors?: [] } | undefined)?.errors ?? []));
  return { last: mine.map(eventOf).filter((event) => event !== undefined).at(-1), errors };
}

async function connected(options: { payload?: Record<string, unknown>; headers?: Record<string, string> }): Promise<RawGraphQLSocket> {
  const raw = await openRawGraphQLSocket(gateway.url, options.headers === undefined ? {} : { headers: options.headers });
  raw.send(options.payload === undefined ? { type: "connection_init" } : { type: "connection_init", payload: options.payload });
  return raw;
}

describe("authentication", () => {
  it.each(["authorization", "Authorization", "AUTHORIZATION"])("takes the key from connection_init's %s", async (name) => {
    const raw = await connected({ payload: { [name]: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    subscribe(raw, "1");
    const outcome = await outcomeOf(raw, "1");
    expect(outcome.errors).toEqual([]);
    expect(outcome.last?.__typename).toBe("ChatCompletionFinished");
    raw.socket.close();
  });

  it("takes the key from the upgrade request's Authorization header", async () => {
    const raw = await connected({ headers: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    subscribe(raw, "1");
    expect((await outcomeOf(raw, "1")).last?.__typename).toBe("ChatCompletionFinished");
    raw.socket.close();
  });

  it.each([
    ["in connection_init", { payload: { authorization: "Bearer sk-gw-not-a-real-key" } }],
    ["in the upgrade header", { headers: { authorization: "Bearer sk-gw-not-a-real-key" } }],
  ])("closes with 4403 for a refused key %s", async (_where, options) => {
    const raw = await connected(options);
    expect(await raw.closed).toBe(4403);
    expect(raw.messages.some((message) => message.type === "connection_ack")).toBe(false);
  });

  it("refuses a socket without a key with UNAUTHENTICATED, and a management key with FORBIDDEN", async () => {
    const anonymous = await connected({});
    await anonymous.waitFor((message) => message.type === "connection_ack");
    subscribe(anonymous, "1");
    expect((await outcomeOf(anonymous, "1")).errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    anonymous.socket.close();

    const management = await connected({ payload: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
    await management.waitFor((message) => message.type === "connection_ack");
    subscribe(management, "1");
    expect((await outcomeOf(management, "1")).errors[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    management.socket.close();
  });

  it.each(["disabled", "deleted"] as const)("starts no new operation for a key %s while its socket is open", async (change) => {
    const victim = await createFundedKey(gateway, { usd: "1" });
    const raw = await connected({ payload: { authorization: `Bearer ${victim.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    subscribe(raw, "before");
    expect((await outcomeOf(raw, "before")).last?.__typename).toBe("ChatCompletionFinished");

    if (change === "disabled") await gateway.services.keys.update(TEST_OPERATOR, victim.keyHash, { disabled: true });
    else await gateway.services.keys.delete(TEST_OPERATOR, victim.keyHash);
    // Within the key cache's TTL, the next operation on the same socket is refused with the key's error.
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_TTL_MS + 50));
    subscribe(raw, "after");
    const outcome = await outcomeOf(raw, "after");
    expect(outcome.last).toBeUndefined();
    expect(outcome.errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    raw.socket.close();
  });
});

describe("the socket", () => {
  it("is pinged every GRAPHQL_WS_KEEPALIVE_MS", async () => {
    const raw = await connected({ payload: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    await expect.poll(() => raw.pings, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(raw.socket.readyState).toBe(raw.socket.OPEN);
    raw.socket.close();
  });

  it.each([
    ["malformed JSON", (raw: RawGraphQLSocket) => raw.send("{not json"), 4400],
    ["an unknown message type", (raw: RawGraphQLSocket) => raw.send({ type: "bogus" }), 4400],
    ["a binary frame", (raw: RawGraphQLSocket) => raw.socket.send(Buffer.from(JSON.stringify({ type: "ping" })), { binary: true }), 4400],
    ["a server-only message", (raw: RawGraphQLSocket) => raw.send({ id: "1", type: "next", payload: {} }), 4400],
    ["a frame over GRAPHQL_WS_MAX_PAYLOAD_BYTES", (raw: RawGraphQLSocket) => subscribe(raw, "big", { ...INPUT, messages: [{ role: "user", content: "x".repeat(8192) }] }), 1009],
  ])("closes on %s with the protocol's code", async (_what, violate, code) => {
    const raw = await connected({ payload: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    violate(raw);
    expect(await raw.closed).toBe(code);
  });

  it("closes with 4401 on a subscribe before connection_init", async () => {
    const raw = await openRawGraphQLSocket(gateway.url);
    subscribe(raw, "1");
    expect(await raw.closed).toBe(4401);
  });

  it("closes with 4409 on a second subscribe with a running operation's id", async () => {
    const raw = await connected({ payload: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    subscribe(raw, "same", { ...INPUT, messages: [{ role: "user", content: "slow [[words:100]] [[delay:100]]" }] });
    await raw.waitFor((message) => message.id === "same" && eventOf(message)?.__typename === "ChatCompletionContentDelta");
    subscribe(raw, "same");
    expect(await raw.closed).toBe(4409);
  });

  it("ignores a complete for an unknown id and keeps serving the socket and the gateway", async () => {
    const raw = await connected({ payload: { authorization: `Bearer ${key.apiKey}` } });
    await raw.waitFor((message) => message.type === "connection_ack");
    raw.send({ id: "never-started", type: "complete" });
    raw.send({ type: "ping" });
    await raw.waitFor((message) => message.type === "pong");
    subscribe(raw, "1");
    expect((await outcomeOf(raw, "1")).last?.__typename).toBe("ChatCompletionFinished");
    raw.socket.close();
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
