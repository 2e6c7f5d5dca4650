import { OpenRouter } from "@openrouter/sdk";
import OpenAI from "openai";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/billing/money.js";
import { generations, ledgerEntries } from "../../src/db/schema/index.js";
import { TEST_OPERATOR, createFundedKey, type FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { formatUsd } from "../../src/billing/money.js";
import { DEAD_BASE_URL, SIMULATOR_KEYS, startSimulatedProviders, type SimulatedProviders } from "../support/simulated-providers.js";
import { postJson } from "../support/sse.js";
import { startTestGateway, type TestGateway } from "../support/test-gateway.js";
import { simulatedEmbedding, simulatedInputTokens } from "../simulators/shared/embeddings.js";

/**
 * `POST /api/v1/embeddings` through the official `openai` SDK (only baseURL and apiKey changed), against the
 * OpenAI, Gemini and an OpenAI-compatible vendor's (Mistral's) wire formats: vectors as the upstream made them,
 * float and base64, the exact charge in the ledger and the generation record, and 400s for bad input.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
let client: OpenAI;

/** Per-token prices of the catalog's embedding endpoints, in USD, as the catalog file states them. */
const PRICES = { "openai/text-embedding-3-small": "0.00000002", "google/gemini-embedding-001": "0.00000015", "mistralai/mistral-embed": "0.0000001" } as const;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: { ...providers.env, MISTRAL_API_KEY: SIMULATOR_KEYS.openai, MISTRAL_BASE_URL: `${providers.openai.url}/v1` } });
  key = await createFundedKey(gateway, { usd: "10" });
  client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

async function usageCharged(generationId: string): Promise<bigint> {
  await gateway.services.embeddings.drain();
  const rows = await gateway.services.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.generationId, generationId));
  return rows.filter((row) => row.type === "usage").reduce((sum, row) => sum - row.amount, 0n);
}

function url(path: string): string {
  return `${gateway.url}${path}`;
}

describe("the openai SDK's embeddings.create against the gateway", () => {
  it("returns the OpenAI upstream's vectors as floats, charges exactly tokens × price, and records an embeddings generation", async () => {
    const input = ["The quick brown fox", "jumps over the lazy dog"];
    const { data: response, response: raw } = await client.embeddings.create({ model: "openai/text-embedding-3-small", input, encoding_format: "float", dimensions: 64 }).withResponse();
    expect(response.model).toBe("openai/text-embedding-3-small");
    expect(response.data.map((item) => item.embedding)).toEqual(input.map((text) => simulatedEmbedding(text, "text-embedding-3-small", 64)));
    const tokens = input.reduce((sum, text) => sum + simulatedInputTokens(text), 0);
    expect(response.usage.prompt_tokens).toBe(tokens);
    const generationId = raw.headers.get("x-generation-id") ?? "";
    expect(generationId).toMatch(/^gen-/);
    const expectedCost = BigInt(tokens) * parseUsd(PRICES["openai/text-embedding-3-small"]);
    expect(await usageCharged(generationId)).toBe(expectedCost);
    expect((response.usage as { cost?: number }).cost).toBe(Number(expectedCost) / 1e12);

    const record = await fetch(url(`/api/v1/generation?id=${generationId}`), { headers: { authorization: `Bearer ${key.apiKey}` } });
    expect(record.status).toBe(200);
    const body = (await record.json()) as { data: { api_type: string; tokens_prompt: number; tokens_completion: number; total_cost: number; model: string; streamed: boolean } };
    expect(body.data).toMatchObject({ api_type: "embeddings", tokens_prompt: tokens, tokens_completion: 0, model: "openai/text-embedding-3-small", streamed: false });
    expect(body.data.total_cost).toBe(Number(expectedCost) / 1e12);
    const [row] = await gateway.services.database.db.select().from(generations).where(eq(generations.id, generationId));
    expect(row?.totalCost).toBe(expectedCost);
  });

  it("feeds the served endpoint's live health figures, as chat does", async () => {
    const endpoints = async (): Promise<Array<{ provider_name: string; uptime_last_5m: number | null; latency_last_30m: { p50: number } | null }>> => {
      const answer = await fetch(url("/api/v1/models/openai/text-embedding-3-small/endpoints"));
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { data: { endpoints: Array<{ provider_name: string; uptime_last_5m: number | null; latency_last_30m: { p50: number } | null }> } }).data.endpoints;
    };
    await client.embeddings.create({ model: "openai/text-embedding-3-small", input: "health", encoding_format: "float" });
    const [endpoint] = await endpoints();
    expect(endpoint?.uptime_last_5m).toBe(100);
    expect(endpoint?.latency_last_30m?.p50).toBeGreaterThanOrEqual(0);
  });

  it("returns base64 that decodes to the float vectors, and the SDK's own default (base64, decoded) agrees", async () => {
    const floats = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: "base64 me", encoding_format: "float" });
    const base64 = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: "base64 me", encoding_format: "base64" });
    const encoded = base64.data[0]?.embedding as unknown as string;
    expect(typeof encoded).toBe("string");
    const bytes = Buffer.from(encoded, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    expect(decoded).toEqual(floats.data[0]?.embedding);
    const byDefault = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: "base64 me" });
    expect(byDefault.data[0]?.embedding).toEqual(floats.data[0]?.embedding);
  });

  it("embeds through Gemini's batchEmbedContents, billing the gateway's estimate when Gemini reports no count", async () => {
    const input = ["first passage", "second passage", "third"];
    const { data: response, response: raw } = await client.embeddings.create({ model: "google/gemini-embedding-001", input, encoding_format: "float", dimensions: 48 }).withResponse();
    expect(response.data.map((item) => item.embedding)).toEqual(input.map((text) => simulatedEmbedding(text, "gemini-embedding-001", 48)));
    expect((response as unknown as { provider: string }).provider).toBe("Google AI Studio");
    const tokens = response.usage.prompt_tokens;
    expect(tokens).toBe(input.reduce((sum, text) => sum + Math.ceil(text.length / 3), 0));
    expect(await usageCharged(raw.headers.get("x-generation-id") ?? "")).toBe(BigInt(tokens) * parseUsd(PRICES["google/gemini-embedding-001"]));
  });

  it("embeds token arrays through an OpenAI-compatible vendor (Mistral)", async () => {
    const response = await client.embeddings.create({ model: "mistralai/mistral-embed", input: [[10, 20, 30], [40]], encoding_format: "float" });
    expect(response.data.map((item) => item.embedding)).toEqual([[10, 20, 30], [40]].map((ids) => simulatedEmbedding(ids, "mistral-embed", 256)));
    expect(response.usage.prompt_tokens).toBe(4);
    expect((response as unknown as { provider: string }).provider).toBe("Mistral");
  });

  it("answers with a body the OpenRouter contract describes", async () => {
    const response = await postJson(url("/api/v1/embeddings"), { model: "openai/text-embedding-3-small", input: "contract" }, key.apiKey);
    expect(response.status).toBe(200);
    expectOpenRouterResponse("/api/v1/embeddings", "post", 200, await response.json());
  });
});

describe("bad embeddings requests", () => {
  const cases: Array<{ label: string; body: unknown }> = [
    { label: "an empty string", body: { model: "openai/text-embedding-3-small", input: "" } },
    { label: "an empty array", body: { model: "openai/text-embedding-3-small", input: [] } },
    { label: "a number", body: { model: "openai/text-embedding-3-small", input: 42 } },
    { label: "mixed strings and numbers", body: { model: "openai/text-embedding-3-small", input: ["a", 1] } },
    { label: "an empty token array inside", body: { model: "openai/text-embedding-3-small", input: [[1], []] } },
    { label: "negative token ids", body: { model: "openai/text-embedding-3-small", input: [-1, 2] } },
    { label: "2,049 inputs", body: { model: "openai/text-embedding-3-small", input: Array.from({ length: 2049 }, () => "x") } },
    { label: "no model", body: { input: "hi" } },
    { label: "a bad encoding_format", body: { model: "openai/text-embedding-3-small", input: "hi", encoding_format: "int8" } },
    { label: "zero dimensions", body: { model: "openai/text-embedding-3-small", input: "hi", dimensions: 0 } },
    { label: "a chat model", body: { model: "openai/gpt-4o-mini", input: "hi" } },
    { label: "an unknown model", body: { model: "nobody/nothing", input: "hi" } },
    { label: "token arrays to Gemini", body: { model: "google/gemini-embedding-001", input: [[1, 2]] } },
  ];
  it.each(cases)("refuses $label with a 400 envelope, charging nothing", async ({ body }) => {
    const before = await key.balance();
    const response = await postJson(url("/api/v1/embeddings"), body, key.apiKey);
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as { error: { code: number; message: string } };
    expect(envelope.error.code).toBe(400);
    expect(envelope.error.message.length).toBeGreaterThan(0);
    expect(await key.balance()).toBe(before);
  });

  it("refuses an embedding model on POST /chat/completions with a 400, charging nothing", async () => {
    const before = await key.balance();
    const response = await postJson(url("/api/v1/chat/completions"), { model: "openai/text-embedding-3-small", messages: [{ role: "user", content: "hi" }] }, key.apiKey);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("/api/v1/embeddings");
    expect(await key.balance()).toBe(before);
  });

  it("refuses a body that is not JSON object with a 400", async () => {
    const response = await postJson(url("/api/v1/embeddings"), ["not", "an", "object"], key.apiKey);
    expect(response.status).toBe(400);
  });

  it("refuses a missing key with 401 as the SDK's AuthenticationError", async () => {
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: "sk-or-v1-wrong", maxRetries: 0 });
    const error = await anonymous.embeddings.create({ model: "openai/text-embedding-3-small", input: "hi" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("embeddings billing and routing", () => {
  it("answers 402 before any upstream call when the account cannot cover the inputs' bound", async () => {
    const poor = await createFundedKey(gateway, { usd: "0" });
    const before = providers.openai.requests.length;
    const response = await postJson(url("/api/v1/embeddings"), { model: "openai/text-embedding-3-small", input: "no money" }, poor.apiKey);
    expect(response.status).toBe(402);
    const envelope = (await response.json()) as { error: { code: number; metadata: Record<string, unknown> } };
    expect(envelope.error.code).toBe(402);
    expect(providers.openai.requests.length).toBe(before);
  });

  it("holds against the key's spend limit: a key whose limit cannot cover the inputs gets a 402 naming the key limit", async () => {
    const funded = await createFundedKey(gateway, { usd: "1" });
    // One pico-USD: less than any input's bound at text-embedding-3-small's price (2e-8 USD a token).
    const { plaintext } = await gateway.services.keys.create(TEST_OPERATOR, { accountId: funded.accountId, name: "tiny limit", spendLimit: 1n });
    const response = await postJson(url("/api/v1/embeddings"), { model: "openai/text-embedding-3-small", input: "over the limit" }, plaintext);
    expect(response.status).toBe(402);
    const envelope = (await response.json()) as { error: { metadata: { limit_source: string } } };
    expect(envelope.error.metadata.limit_source).toBe("key_limit");
  });

  it("counts embeddings against the key's rate limit: the request past requests-per-minute gets a 429", async () => {
    const limited = await createFundedKey(gateway, { usd: "1" });
    await gateway.services.rateLimitSettings.set({ scope: "key", subjectId: limited.keyHash, requestsPerMinute: 1 });
    const body = { model: "openai/text-embedding-3-small", input: "rate limited" };
    expect((await postJson(url("/api/v1/embeddings"), body, limited.apiKey)).status).toBe(200);
    const refused = await postJson(url("/api/v1/embeddings"), body, limited.apiKey);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(429);
  });

  it("maps an upstream refusal to the error envelope, never a crash, and charges nothing", async () => {
    const before = await key.balance();
    const response = await postJson(url("/api/v1/embeddings"), { model: "openai/text-embedding-3-small", input: "[[error:503]]" }, key.apiKey);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(response.status).not.toBe(500);
    const envelope = (await response.json()) as { error: { code: number } };
    expect(envelope.error.code).toBe(response.status);
    expect(await key.balance()).toBe(before);
  });

  it("answers 503 listing every failed attempt, as chat does, when no model's provider can serve", async () => {
    const before = await key.balance();
    const response = await postJson(url("/api/v1/embeddings"), { models: ["openai/text-embedding-3-small", "mistralai/mistral-embed"], input: "[[error:503]]" }, key.apiKey);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: number; message: string; metadata: { previous_errors: Array<{ provider: string; status: number; message: string; code: string }> } } };
    expect(body.error.code).toBe(503);
    expect(body.error.message).toMatch(/^Every provider failed for this request/);
    expect(body.error.metadata.previous_errors).toHaveLength(2);
    for (const previous of body.error.metadata.previous_errors) {
      expect(previous.status).toBe(503);
      expect(previous.message.length).toBeGreaterThan(0);
      expect(body.error.message).toContain(`${previous.provider}: 503`);
    }
    expect(await key.balance()).toBe(before);
  });

  it("fails over to the next model when the first one's provider cannot be reached", async () => {
    const deadOpenAI = await startTestGateway({
      env: { ...providers.env, OPENAI_BASE_URL: DEAD_BASE_URL, MISTRAL_API_KEY: SIMULATOR_KEYS.openai, MISTRAL_BASE_URL: `${providers.openai.url}/v1` },
    });
    try {
      const funded = await createFundedKey(deadOpenAI, { usd: "1" });
      const response = await postJson(`${deadOpenAI.url}/api/v1/embeddings`, { models: ["openai/text-embedding-3-small", "mistralai/mistral-embed"], input: "fail over", encoding_format: "float" }, funded.apiKey);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { model: string; data: Array<{ embedding: number[] }> };
      expect(body.model).toBe("mistralai/mistral-embed");
      expect(body.data[0]?.embedding).toEqual(simulatedEmbedding("fail over", "mistral-embed", 256));
      await deadOpenAI.services.embeddings.drain();
      const generationId = response.headers.get("x-generation-id") ?? "";
      const [row] = await deadOpenAI.services.database.db.select().from(generations).where(eq(generations.id, generationId));
      expect(row?.providerResponses.map((attempt) => attempt.provider)).toEqual(["openai", "mistral"]);
    } finally {
      await deadOpenAI.stop();
    }
  });
});

describe("GET /api/v1/embeddings/models", () => {
  it("lists the catalog's embedding models with their prices, and GET /models keeps to text models", async () => {
    const response = await fetch(url("/api/v1/embeddings/models"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ id: string; pricing: { prompt: string }; architecture: { output_modalities: string[] } }> };
    expectOpenRouterResponse("/api/v1/embeddings/models", "get", 200, body);
    const ids = body.data.map((model) => model.id).sort();
    expect(ids).toEqual(["google/gemini-embedding-001", "mistralai/mistral-embed", "openai/text-embedding-3-large", "openai/text-embedding-3-small"]);
    expect(body.data.find((model) => model.id === "openai/text-embedding-3-small")?.pricing.prompt).toBe(PRICES["openai/text-embedding-3-small"]);
    for (const model of body.data) expect(model.architecture.output_modalities).toEqual(["embeddings"]);
    const chat = (await (await fetch(url("/api/v1/models"))).json()) as { data: Array<{ id: string }> };
    expect(chat.data.map((model) => model.id)).not.toContain("openai/text-embedding-3-small");
  });
});

describe("the createEmbeddings GraphQL mutation", () => {
  const MUTATION = `mutation($input: EmbeddingsInput!) { createEmbeddings(input: $input) { id model provider data { index embedding base64 } usage { promptTokens totalTokens cost } } }`;
  interface Answer {
    createEmbeddings: { id: string; model: string; provider: string; data: Array<{ index: number; embedding: number[] | null; base64: string | null }>; usage: { promptTokens: number; totalTokens: number; cost: string } };
  }

  it("embeds texts through the same pipeline, with the exact charge as a Decimal and an embeddings generation", async () => {
    const result = await graphqlRequest<Answer>(gateway.url, MUTATION, { apiKey: key.apiKey, variables: { input: { model: "openai/text-embedding-3-small", input: ["graph", "ql"], dimensions: 16 } } });
    expect(result.errors).toBeUndefined();
    const answer = result.data?.createEmbeddings;
    expect(answer?.data.map((item) => item.embedding)).toEqual(["graph", "ql"].map((text) => simulatedEmbedding(text, "text-embedding-3-small", 16)));
    expect(answer?.data.every((item) => item.base64 === null)).toBe(true);
    await gateway.services.embeddings.drain();
    const generation = await gateway.services.generations.find(answer?.id ?? "");
    expect(generation?.apiType).toBe("embeddings");
    expect(answer?.usage.cost).toBe(formatUsd(generation?.totalCost ?? -1n));
    expect(await usageCharged(answer?.id ?? "")).toBe(generation?.totalCost);
  });

  it("returns base64 when asked, decoding to the float vector, and takes token arrays", async () => {
    const result = await graphqlRequest<Answer>(gateway.url, MUTATION, { apiKey: key.apiKey, variables: { input: { model: "openai/text-embedding-3-small", tokens: [[7, 8, 9]], encodingFormat: "base64" } } });
    expect(result.errors).toBeUndefined();
    const item = result.data?.createEmbeddings.data[0];
    expect(item?.embedding).toBeNull();
    const bytes = Buffer.from(item?.base64 ?? "", "base64");
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual(simulatedEmbedding([7, 8, 9], "text-embedding-3-small", 256));
    expect(result.data?.createEmbeddings.usage.promptTokens).toBe(3);
  });

  it("refuses bad input as BAD_USER_INPUT and a missing key as UNAUTHENTICATED", async () => {
    const chatModel = await graphqlRequest(gateway.url, MUTATION, { apiKey: key.apiKey, variables: { input: { model: "openai/gpt-4o-mini", input: ["hi"] } } });
    expect(chatModel.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const both = await graphqlRequest(gateway.url, MUTATION, { apiKey: key.apiKey, variables: { input: { model: "openai/text-embedding-3-small", input: ["hi"], tokens: [[1]] } } });
    expect(both.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const empty = await graphqlRequest(gateway.url, MUTATION, { apiKey: key.apiKey, variables: { input: { model: "openai/text-embedding-3-small", input: [] } } });
    expect(empty.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const anonymous = await graphqlRequest(gateway.url, MUTATION, { variables: { input: { model: "openai/text-embedding-3-small", input: ["hi"] } } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("OpenRouter's own SDK (@openrouter/sdk), with its response validation", () => {
  it("embeddings.generate reads the gateway's answer, and embeddings.listModels its embedding models", async () => {
    const sdk = new OpenRouter({ apiKey: key.apiKey, serverURL: `${gateway.url}/api/v1` });
    const response = await sdk.embeddings.generate({ requestBody: { model: "openai/text-embedding-3-small", input: ["router sdk"], encodingFormat: "float", dimensions: 8 } });
    if (typeof response === "string") throw new Error(`expected a JSON body, got ${response.slice(0, 80)}`);
    expect(response.data[0]?.embedding).toEqual(simulatedEmbedding("router sdk", "text-embedding-3-small", 8));
    expect(response.usage?.promptTokens).toBe(simulatedInputTokens("router sdk"));
    const models = await sdk.embeddings.listModels();
    expect(models.result.data.map((model) => model.id)).toContain("google/gemini-embedding-001");
  });
});
