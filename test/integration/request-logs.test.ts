import { Writable } from "node:stream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { formatUsd } from "../../src/billing/money.js";
import { generations } from "../../src/db/schema/index.js";
import type { RequestLogFacts } from "../../src/http/request-log.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * One structured line per request at `info`, and nothing secret in the whole log of a full run: not the
 * API key, its hash, the management key, the provider keys, nor (unless LOG_BODIES) the prompt or the answer.
 */

const MANAGEMENT_KEY = "mk-operator-request-logs-0123456789abcdef";
const PROMPT_MARKER = "the-prompt-marker-7f3a9c";
const MODEL = "openai/gpt-4o-mini";

/** A parsed log line: pino's fields, the HTTP facts, and the route's facts. */
interface LogLine extends RequestLogFacts {
  level: number;
  msg: string;
  reqId?: string;
  method?: string;
  route?: string;
  status?: number;
  totalMs?: number;
}

let providers: SimulatedProviders;

/** A gateway whose every log line is kept, with a funded key and the official SDK pointed at it. */
async function loggedGateway(config: Record<string, string> = {}) {
  const text: string[] = [];
  const gateway: TestGateway = await startTestGateway({
    env: providers.env,
    config: { LOG_LEVEL: "info", MANAGEMENT_KEY, ...config },
    logDestination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        text.push(chunk.toString("utf8"));
        done();
      },
    }),
  });
  const key = await createFundedKey(gateway, { usd: "5", name: "logged" });
  const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
  const lines = (): LogLine[] =>
    text
      .join("")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as LogLine);
  return { gateway, key, client, text, lines, requestLines: () => lines().filter((line) => line.msg === "request") };
}

let logged: Awaited<ReturnType<typeof loggedGateway>>;
let emptyKey: FundedKey;
let answers: string[];
let generationIds: string[];

beforeAll(async () => {
  providers = await startSimulatedProviders();
  logged = await loggedGateway();
  emptyKey = await createFundedKey(logged.gateway, { usd: "0", name: "empty" });
  answers = [];
  generationIds = [];
  // A full run: a plain and a streamed completion, a 402, a 401, a catalog read, a management call, GraphQL.
  const plain = await logged.client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `Say hello ${PROMPT_MARKER}` }] });
  answers.push(plain.choices[0]?.message.content ?? "");
  generationIds.push(plain.id);
  let streamed = "";
  const stream = await logged.client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: `Count ${PROMPT_MARKER}` }] });
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.id !== "" && !generationIds.includes(chunk.id)) generationIds.push(chunk.id);
  }
  answers.push(streamed);
  const broke = new OpenAI({ baseURL: `${logged.gateway.url}/api/v1`, apiKey: emptyKey.apiKey, maxRetries: 0 });
  await expect(broke.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: PROMPT_MARKER }] })).rejects.toMatchObject({ status: 402 });
  const stranger = new OpenAI({ baseURL: `${logged.gateway.url}/api/v1`, apiKey: "sk-gw-not-a-real-key-000000000000000000000000", maxRetries: 0 });
  await expect(stranger.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: PROMPT_MARKER }] })).rejects.toMatchObject({ status: 401 });
  await fetch(`${logged.gateway.url}/api/v1/models`);
  await fetch(`${logged.gateway.url}/api/v1/keys`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
  await fetch(`${logged.gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${logged.key.apiKey}` },
    body: JSON.stringify({ query: "{ viewer { id } }" }),
  });
  await logged.gateway.services.completions.drain();
});

afterAll(async () => {
  await logged?.gateway.stop();
  await providers?.close();
});

describe("request log lines", () => {
  it("are one per request, each with its own request id", () => {
    const lines = logged.requestLines();
    expect(lines).toHaveLength(7);
    expect(new Set(lines.map((line) => line.reqId)).size).toBe(7);
    for (const line of lines) {
      expect(line.level).toBe(30);
      expect(typeof line.totalMs).toBe("number");
    }
    // Fastify's own "incoming request" / "request completed" pair is off.
    expect(logged.lines().some((line) => line.msg === "incoming request" || line.msg === "request completed")).toBe(false);
  });

  it("say what served a completion, what it cost and how long it took", async () => {
    const completions = logged.requestLines().filter((line) => line.route === "/api/v1/chat/completions" && line.status === 200);
    expect(completions).toHaveLength(2);
    for (const [index, line] of completions.entries()) {
      const [record] = await logged.gateway.services.database.db.select().from(generations).where(eq(generations.id, line.generationId ?? ""));
      expect(line.generationId).toBe(generationIds[index]);
      expect(line).toMatchObject({ method: "POST", model: MODEL, provider: "openai", attempts: 1, keyLabel: expect.stringMatching(/^sk-gw-.{3}\.\.\..{3}$/) as unknown });
      expect(line.cost).toBe(formatUsd(record?.totalCost ?? -1n));
      expect(line.tokens?.prompt).toBe(record?.tokensPrompt);
      expect(line.tokens?.completion).toBe(record?.tokensCompletion);
      expect(line.upstreamMs).toBeGreaterThanOrEqual(0);
      expect(line.upstreamMs).toBeLessThanOrEqual((line.totalMs ?? 0) + 1);
    }
  });

  it("name the error code of a refused request", () => {
    const refused = logged.requestLines().filter((line) => line.route === "/api/v1/chat/completions" && line.status !== 200);
    expect(refused.map((line) => [line.status, line.errorCode])).toEqual([
      [402, "payment_required"],
      [401, "authentication"],
    ]);
  });

  it("give the route pattern, not the URL", () => {
    const routes = logged.requestLines().map((line) => line.route);
    expect(routes).toEqual(expect.arrayContaining(["/api/v1/models", "/api/v1/keys", "/graphql"]));
  });
});

describe("the log of a full run", () => {
  it("holds no key, key hash, management key or provider key", () => {
    const log = logged.text.join("");
    for (const secret of [logged.key.apiKey, logged.key.keyHash, emptyKey.apiKey, emptyKey.keyHash, MANAGEMENT_KEY, ...Object.values(SIMULATOR_KEYS)]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain("sk-gw-not-a-real-key");
  });

  it("holds neither prompts nor answers", () => {
    const log = logged.text.join("");
    expect(log).not.toContain(PROMPT_MARKER);
    for (const answer of answers) {
      expect(answer.length).toBeGreaterThan(8);
      expect(log).not.toContain(answer);
    }
  });
});

describe("LOG_BODIES", () => {
  it("adds the prompt and the answer to the request line, still without any key", async () => {
    const withBodies = await loggedGateway({ LOG_BODIES: "true" });
    try {
      const completion = await withBodies.client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `Hi ${PROMPT_MARKER}` }] });
      const line = withBodies.requestLines().find((entry) => entry.generationId === completion.id);
      expect(JSON.stringify(line?.prompt)).toContain(PROMPT_MARKER);
      expect(line?.answer).toBe(completion.choices[0]?.message.content);
      const log = withBodies.text.join("");
      for (const secret of [withBodies.key.apiKey, withBodies.key.keyHash, ...Object.values(SIMULATOR_KEYS)]) expect(log).not.toContain(secret);
    } finally {
      await withBodies.gateway.stop();
    }
  });
});
