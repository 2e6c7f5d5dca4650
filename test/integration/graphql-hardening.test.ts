import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createFundedKey } from "../support/api-keys.js";
import { graphqlRequest, webSocketClient } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Malformed and abusive GraphQL is refused with a 400 and its code before it can hold the event loop, over
 * HTTP and graphql-ws alike, and protocol violations on the socket get the protocol's close codes.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env });
  apiKey = (await createFundedKey(gateway, { usd: "20" })).apiKey;
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

/** Fragments `depth` deep, each spreading the one below `spreads` times: spreads^(depth-1) fields once expanded. */
function fragmentExplosion(depth: number, spreads: number): string {
  let document = "fragment F0 on Query { catalogRevision }\n";
  for (let level = 1; level < depth; level += 1) document += `fragment F${level} on Query { ${Array(spreads).fill(`...F${level - 1}`).join(" ")} }\n`;
  return `${document}query { ...F${depth - 1} }`;
}

/** One chat completion through REST; resolves with its latency in milliseconds. */
async function timedChat(): Promise<number> {
  const started = performance.now();
  const response = await postJson(`${gateway.url}/api/v1/chat/completions`, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, apiKey);
  expect(response.status).toBe(200);
  await response.text();
  return performance.now() - started;
}

describe("fragment and alias explosions", () => {
  it("the 9-deep × 10-spread document is refused with 400, anonymous and with a key", async () => {
    const document = fragmentExplosion(9, 10);
    expect(document.length).toBeLessThan(1000);
    for (const key of [undefined, apiKey]) {
      const result = await graphqlRequest(gateway.url, document, key === undefined ? {} : { apiKey: key });
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_LARGE", limit: "selections" });
    }
  });

  it("does not stall a chat completion sent at the same time", async () => {
    const baseline = Math.max(await timedChat(), await timedChat());
    const attack = Array.from({ length: 8 }, () => graphqlRequest(gateway.url, fragmentExplosion(9, 10)));
    const underAttack = await timedChat();
    const answers = await Promise.all(attack);
    expect(answers.every((answer) => answer.status === 400)).toBe(true);
    // Generous: a slow shared machine, but nowhere near the 40 s the expansion used to take.
    expect(underAttack).toBeLessThan(baseline + 2000);
  });

  it("refuses too many aliases, counted through fragments, tighter without a key", async () => {
    const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: catalogRevision`).join(" ");
    const document = `fragment A on Query { ${aliases(20)} } { ...A ...A }`;
    const anonymous = await graphqlRequest(gateway.url, document);
    expect(anonymous.status).toBe(400);
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_LARGE", limit: "aliases", max: 30 });
    const authenticated = await graphqlRequest(gateway.url, `{ ${aliases(40)} }`, { apiKey });
    expect(authenticated.status).toBe(200);
    expect(authenticated.errors).toBeUndefined();
    const tooMany = await graphqlRequest(gateway.url, `{ ${aliases(101)} }`, { apiKey });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_LARGE", limit: "aliases", max: 100 });
  });

  it("refuses too many tokens before parsing, tighter without a key", async () => {
    // 1000 variable definitions: 4000 tokens and no selection at all.
    const variables = Array.from({ length: 1000 }, (_, index) => `$v${index}: Int`).join(" ");
    const document = `query (${variables}) { catalogRevision }`;
    const anonymous = await graphqlRequest(gateway.url, document);
    expect(anonymous.status).toBe(400);
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_LARGE", limit: "tokens", max: 3000 });
    // With a key the document is within the token limit, and graphql-js validation refuses its unused variables.
    const authenticated = await graphqlRequest(gateway.url, document, { apiKey });
    expect(authenticated.status).toBe(400);
    expect(authenticated.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses a fragment cycle as a validation error", async () => {
    const result = await graphqlRequest(gateway.url, "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }");
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("typed refusals over HTTP", () => {
  it("answers a body that is not JSON 400 in GraphQL's envelope, not REST's", async () => {
    const response = await fetch(`${gateway.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });

  it("answers an over-complex operation 400 QUERY_TOO_COMPLEX", async () => {
    const result = await graphqlRequest(gateway.url, "{ models(first: 100) { edges { node { endpoints { provider { endpoints { model { id } } } } } } } }");
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("answers an over-deep operation 400 QUERY_TOO_DEEP", async () => {
    const result = await graphqlRequest(
      gateway.url,
      "{ models(first: 1) { edges { node { endpoints { provider { endpoints { model { endpoints { provider { endpoints { model { id } } } } } } } } } } } }",
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_DEEP", depth: 12 });
  });

  it("answers a wrong or missing variable 400 BAD_USER_INPUT naming it", async () => {
    const query = "query ($id: ID!) { account(id: $id) { id } }";
    for (const variables of [{ id: { nested: true } }, {}]) {
      const result = await graphqlRequest(gateway.url, query, { variables, apiKey });
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    }
  });

  it("answers a subscription sent over HTTP with an error pointing at the WebSocket endpoint", async () => {
    const result = await graphqlRequest(gateway.url, "subscription { catalogUpdated { revision } }");
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_REQUEST", endpoint: "/graphql", protocol: "graphql-transport-ws" });
    expect(result.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

/** A raw socket speaking graphql-transport-ws; resolves with the close code once the server closes it. */
async function closeCodeAfter(frames: Array<string | Buffer>, options: { init?: boolean } = {}): Promise<number> {
  const socket = new WebSocket(`${gateway.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  if (options.init !== false) {
    const acknowledged = new Promise<void>((resolve) => socket.once("message", () => resolve()));
    socket.send(JSON.stringify({ type: "connection_init" }));
    await acknowledged;
  }
  for (const frame of frames) socket.send(frame, { binary: typeof frame !== "string" });
  return closed;
}

describe("graphql-ws protocol violations", () => {
  const subscribe = (id: string) => JSON.stringify({ id, type: "subscribe", payload: { query: "subscription { catalogUpdated { revision } }" } });

  it("closes with 4400 for a client's next or error message, malformed JSON, an unknown type or a binary frame", async () => {
    expect(await closeCodeAfter([JSON.stringify({ id: "1", type: "next", payload: { data: {} } })])).toBe(4400);
    expect(await closeCodeAfter([JSON.stringify({ id: "1", type: "error", payload: [{ message: "x" }] })])).toBe(4400);
    expect(await closeCodeAfter(["{not json"])).toBe(4400);
    expect(await closeCodeAfter([JSON.stringify({ type: "launch_missiles" })])).toBe(4400);
    expect(await closeCodeAfter([Buffer.from(JSON.stringify({ type: "ping" }))])).toBe(4400);
  });

  it("closes with 4401 for a subscribe before connection_init, 4429 for a second init, 4409 for a duplicate id", async () => {
    expect(await closeCodeAfter([subscribe("1")], { init: false })).toBe(4401);
    expect(await closeCodeAfter([JSON.stringify({ type: "connection_init" })])).toBe(4429);
    expect(await closeCodeAfter([subscribe("1"), subscribe("1")])).toBe(4409);
  });

  it("closes with 4403 for a bad key in connection_init", async () => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.once("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: "Bearer sk-gw-not-a-key" } })));
    expect(await closed).toBe(4403);
  });

  it("refuses the fragment explosion and wrong variables over graphql-ws with coded errors", async () => {
    const client = webSocketClient(gateway.url);
    const errorsOf = (query: string, variables?: Record<string, unknown>) =>
      new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query, ...(variables === undefined ? {} : { variables }) }, { next: () => undefined, error: resolve, complete: () => reject(new Error("completed")) });
      });
    try {
      expect(await errorsOf(fragmentExplosion(9, 10))).toMatchObject([{ extensions: { code: "QUERY_TOO_LARGE", limit: "selections" } }]);
      expect(await errorsOf("query ($id: ID!) { account(id: $id) { id } }", { id: [1] })).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "id" } }]);
      expect(await errorsOf("{ nope }")).toMatchObject([{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }]);
      expect(await errorsOf("{ nope")).toMatchObject([{ extensions: { code: "GRAPHQL_PARSE_FAILED" } }]);
    } finally {
      await client.dispose();
    }
  });
});
