import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Upstreams that quote the credential they were sent (`[[leak-key:STATUS]]` makes each simulator answer
 * "Incorrect API key provided: <the key as sent>") never get the gateway's provider keys relayed: not in the
 * REST envelope's message or `metadata.raw`, not in GraphQL errors, not in a stream, not in the log.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const logLines: string[] = [];
const CHAT = "/api/v1/chat/completions";
const SECRETS = Object.values(SIMULATOR_KEYS);

const FORMATS = [
  { format: "OpenAI", model: "openai/gpt-4o-mini", secret: SIMULATOR_KEYS.openai, raw: "Incorrect API key provided: Bearer [REDACTED]" },
  { format: "Anthropic", model: "anthropic/claude-haiku-4.5", secret: SIMULATOR_KEYS.anthropic, raw: "Incorrect API key provided: [REDACTED]" },
  { format: "Gemini", model: "google/gemini-2.5-flash", secret: SIMULATOR_KEYS.gemini, raw: "Incorrect API key provided: [REDACTED]" },
] as const;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({
    env: providers.env,
    config: { LOG_LEVEL: "trace" },
    logDestination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    }),
  });
  key = await createFundedKey(gateway, { usd: "5" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe.each(FORMATS)("an upstream in $format's format that echoes the gateway's key", ({ model, secret, raw }) => {
  const messages = (status: number) => [{ role: "user", content: `[[leak-key:${status}]] Hello` }];

  it("is relayed as a 400 with the upstream's message, the key replaced", async () => {
    const response = await postJson(`${gateway.url}${CHAT}`, { model, messages: messages(400) }, key.apiKey);
    const text = await response.text();
    expect(response.status).toBe(400);
    const body = JSON.parse(text) as { error: { code: number; message: string; metadata: { raw?: string } } };
    expect(body.error.code).toBe(400);
    expect(body.error.metadata.raw).toBe(raw);
    expect(body.error.message).toContain("[REDACTED]");
    expect(text).not.toContain(secret);
    expectNoSecret(text);
  });

  it("is scrubbed the same when streamed (refused before the stream commits)", async () => {
    const response = await postJson(`${gateway.url}${CHAT}`, { model, messages: messages(400), stream: true }, key.apiKey);
    const contentType = response.headers.get("content-type") ?? "";
    const text = contentType.includes("text/event-stream") ? JSON.stringify((await readSse(response)).chunks) : await response.text();
    expect(text).toContain("[REDACTED]");
    expectNoSecret(text);
  });

  it("is scrubbed in a retryable failure's 5xx, after every candidate was tried", async () => {
    const response = await postJson(`${gateway.url}${CHAT}`, { model, messages: messages(500) }, key.apiKey);
    const text = await response.text();
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(text).toContain("[REDACTED]");
    expectNoSecret(text);
  });

  it("is scrubbed in the GraphQL error", async () => {
    const result = await graphqlRequest<{ createChatCompletion: { id: string } }>(
      gateway.url,
      `mutation($input: ChatCompletionInput!) { createChatCompletion(input: $input) { id } }`,
      { apiKey: key.apiKey, variables: { input: { model, messages: messages(400) } } },
    );
    const text = JSON.stringify(result);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(text).toContain("[REDACTED]");
    expectNoSecret(text);
  });
});

describe("the log", () => {
  it("records the failed attempts with the upstream's reason, and never a provider key", async () => {
    // A 401 is the gateway's own key refused: its body is kept off the caller's answer but logged as the cause.
    for (const { model } of FORMATS) {
      await postJson(`${gateway.url}${CHAT}`, { model, messages: [{ role: "user", content: "[[leak-key:401]] Hello" }] }, key.apiKey);
    }
    const log = logLines.join("");
    const attempts = logLines.filter((line) => line.includes("provider attempt failed"));
    expect(attempts.length).toBeGreaterThanOrEqual(FORMATS.length * 4);
    expect(log).toContain("Incorrect API key provided: [REDACTED]");
    expectNoSecret(log);
  });
});
