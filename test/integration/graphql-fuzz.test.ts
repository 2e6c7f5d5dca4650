import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createFundedKey } from "../support/api-keys.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Property-based fuzzing of `/graphql` over HTTP and graphql-ws with a fixed seed: typed-but-wrong variables,
 * wrong types, unknown fields and odd documents never get a 5xx or an error without `extensions.code`, the
 * socket never closes with 4500, and the gateway still answers afterwards.
 */

const SEED = 1407;
let gateway: TestGateway;
let apiKey: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  apiKey = (await createFundedKey(gateway, { usd: "1" })).apiKey;
});

afterAll(async () => {
  await gateway?.stop();
});

/** Operations of the schema with variables, so wrong variable values reach coercion. */
const OPERATIONS = [
  "query ($id: ID!) { account(id: $id) { id name } }",
  "query ($first: Int, $after: String, $sort: ModelSort) { models(first: $first, after: $after, sort: $sort) { totalCount edges { node { id } } } }",
  "query ($id: String!) { model(id: $id) { id name } }",
  "query ($hash: String!) { key(hash: $hash) { label } }",
  "query ($scope: RateLimitScope!, $subject: String!) { rateLimits(scope: $scope, subjectId: $subject) { __typename } }",
  "mutation ($input: CreateKeyInput!) { createKey(input: $input) { plaintext } }",
  "mutation ($input: PurchaseCreditsInput!) { purchaseCredits(input: $input) { __typename } }",
  "mutation ($input: ChatCompletionInput!) { createChatCompletion(input: $input) { id } }",
  "query ($filter: UsageFilter, $groupBy: [UsageGroupBy!]) { usage(filter: $filter, groupBy: $groupBy) { day hour model keyId cost latencyP95Ms } }",
  "query ($filter: GenerationFilter, $first: Int, $after: String) { generations(filter: $filter, first: $first, after: $after) { edges { cursor node { id key { id } } } } }",
  "subscription { catalogUpdated { revision } }",
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const variableName = fc.constantFrom("id", "first", "after", "sort", "hash", "scope", "subject", "input", "filter", "groupBy", "x");
const variables = fc.option(fc.dictionary(variableName, jsonValue, { maxKeys: 4 }), { nil: undefined });

const tokens = fc.constantFrom("{", "}", "(", ")", ":", "$", "...", "@", "!", "[", "]", "=", "query", "mutation", "subscription", "fragment", "on", "Query", "models", "model", "account", "id", "first", "edges", "node", "__typename", "__schema", "\"x\"", "1", "-1.5e3", "null", "true", "a:", "#c\n", "\"\"\"b\"\"\"");

/** A document: a real operation, a mutated one, or tokens in random order. */
const documents = fc.oneof(
  fc.constantFrom(...OPERATIONS),
  fc.tuple(fc.constantFrom(...OPERATIONS), fc.nat(), fc.string({ maxLength: 8 })).map(([operation, at, insert]) => {
    const position = at % (operation.length + 1);
    return operation.slice(0, position) + insert + operation.slice(position);
  }),
  fc.array(tokens, { maxLength: 40 }).map((parts) => parts.join(" ")),
  fc.string({ maxLength: 60 }),
);

/** Bodies: mostly well-formed GraphQL requests, some with wrong member types. */
const bodies = fc.oneof(
  { weight: 8, arbitrary: fc.record({ query: documents, variables, operationName: fc.option(fc.constantFrom("A", "B"), { nil: undefined }) }, { requiredKeys: ["query"] }) },
  { weight: 1, arbitrary: fc.record({ query: jsonValue, variables: jsonValue }) },
);

function assertCodedErrors(errors: unknown): void {
  if (errors === undefined) return;
  expect(Array.isArray(errors)).toBe(true);
  for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
    expect(typeof error.message).toBe("string");
    expect(typeof error.extensions?.code).toBe("string");
  }
}

describe("GraphQL over HTTP", () => {
  it("never answers 5xx, always a GraphQL body with coded errors", async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, withKey) => {
        const response = await fetch(`${gateway.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(withKey ? { authorization: `Bearer ${apiKey}` } : {}) },
          body: JSON.stringify(body),
        });
        expect(response.status, JSON.stringify(body)).toBeLessThan(500);
        const answer = (await response.json()) as { data?: unknown; errors?: unknown };
        expect("data" in answer || "errors" in answer).toBe(true);
        assertCodedErrors(answer.errors);
        if (response.status >= 400) expect(answer.errors).toBeDefined();
      }),
      { seed: SEED, numRuns: 3000 },
    );
    const health = await fetch(`${gateway.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ catalogRevision }" }) });
    expect(health.status).toBe(200);
  }, 240_000);
});

/** Client frames: valid protocol messages with fuzzed payloads, server-only types and garbage. */
const frames = fc.oneof(
  fc.record({ type: fc.constant("subscribe"), id: fc.constantFrom("1", "2", ""), payload: fc.record({ query: documents, variables }) }).map((message) => JSON.stringify(message)),
  fc.record({ type: fc.constantFrom("ping", "pong", "complete", "next", "error", "connection_ack", "connection_init", "nope"), id: fc.constantFrom("1", "2"), payload: jsonValue }).map((message) => JSON.stringify(message)),
  jsonValue.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 40 }),
);

/** Sends `sequence` after connection_init and reports the close code (or 0 when the server kept the socket open). */
async function runSocket(sequence: string[], withKey: boolean): Promise<{ closeCode: number; messages: unknown[] }> {
  const socket = new WebSocket(`${gateway.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const messages: unknown[] = [];
  let closeCode = 0;
  const closed = new Promise<void>((resolve) => socket.once("close", (code) => ((closeCode = code), resolve())));
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "connection_init", payload: withKey ? { Authorization: `Bearer ${apiKey}` } : {} }));
  for (const frame of sequence) socket.send(frame);
  // A ping last: its pong tells every earlier frame was handled, unless the socket closed first.
  socket.send(JSON.stringify({ type: "ping", payload: { last: true } }));
  await Promise.race([
    closed,
    new Promise<void>((resolve) => socket.on("message", (data) => String(data).includes('"last":true') && resolve())),
  ]);
  socket.close();
  await closed;
  return { closeCode: closeCode === 1000 || closeCode === 1005 ? 0 : closeCode, messages };
}

describe("GraphQL over graphql-ws", () => {
  it("closes only with protocol codes (never 4500) and sends coded errors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 4 }), fc.boolean(), async (sequence, withKey) => {
        const { closeCode, messages } = await runSocket(sequence, withKey);
        expect([0, 4400, 4401, 4409, 4429], JSON.stringify(sequence)).toContain(closeCode);
        for (const message of messages as Array<{ type: string; payload?: unknown }>) {
          if (message.type === "error") assertCodedErrors(message.payload);
          if (message.type === "next") assertCodedErrors((message.payload as { errors?: unknown }).errors);
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  }, 240_000);
});
