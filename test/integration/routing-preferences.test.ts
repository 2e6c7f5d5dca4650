import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { applyCatalog } from "../../src/catalog/catalog-writer.js";
import { readCatalogFile } from "../../src/catalog/seed.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { startFaultUpstream } from "../support/fault-upstream.js";
import type { FaultUpstream } from "../support/fault-upstream.js";
import { SIMULATOR_KEYS, llamaRoutingEnv, startSimulatedProviders } from "../support/simulated-providers.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import { startTestGateway } from "../support/test-gateway.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * The request fields and variants of issue 16, part 4, and the context-window skip of part 5, through the
 * openai SDK and plain HTTP. Llama 3.3 70B is served by DeepInfra (cheapest; a pass-through in front of the
 * OpenAI simulator that can be made slow) and Groq (the simulator).
 */
let providers: SimulatedProviders;
let fault: FaultUpstream;
let gateway: TestGateway;
let key: FundedKey;
let client: OpenAI;
const LLAMA = "meta-llama/llama-3.3-70b-instruct";
const DEEPINFRA_LLAMA = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

beforeAll(async () => {
  providers = await startSimulatedProviders();
  fault = await startFaultUpstream({ simulatorUrl: providers.openai.url, simulatorKey: SIMULATOR_KEYS.openai });
  gateway = await startTestGateway({
    env: llamaRoutingEnv(providers, { baseUrl: fault.url, apiKey: "pass-through" }),
    config: { ROUTING_RANDOM_SEED: "4" },
  });
  key = await createFundedKey(gateway, { usd: "20" });
  client = new OpenAI({ apiKey: key.apiKey, baseURL: `${gateway.url}/api/v1`, maxRetries: 0 });
  // The catalog lists a :thinking endpoint for gpt-4o-mini (an operator's addition), and none for :online.
  const file = readCatalogFile();
  const model = file.models.find((entry) => entry.id === "openai/gpt-4o-mini");
  const standard = model?.endpoints[0];
  if (model === undefined || standard === undefined) throw new Error("gpt-4o-mini missing from the catalog");
  await applyCatalog(gateway.services.database.db, { ...file, models: [{ ...model, endpoints: [...model.endpoints, { ...standard, variant: "thinking" }] }] });
  await gateway.services.catalog.refresh();
});

afterAll(async () => {
  await gateway?.stop();
  await fault?.close();
  await providers?.close();
});

type Extra = Record<string, unknown>;

async function servedBy(body: Extra): Promise<string> {
  const answer = await client.chat.completions.create({ messages: [{ role: "user", content: "hi" }], ...body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  return (answer as unknown as { provider: string }).provider;
}

describe("sorting and variants", () => {
  it("sorts by latency and throughput from live figures; :nitro sorts by throughput, :floor by price", async () => {
    // DeepInfra is slow (a second before it answers); Groq answers at once, streamed so it has a throughput too.
    fault.slowMs = 1000;
    fault.setMode(DEEPINFRA_LLAMA, "slow");
    // Before any traffic, no endpoint has figures: every sort falls back to price.
    expect(await servedBy({ model: LLAMA, provider: { sort: "latency" } })).toBe("DeepInfra");
    const stream = await postJson(`${gateway.url}/api/v1/chat/completions`, { model: LLAMA, messages: [{ role: "user", content: "[[words:20]]" }], stream: true, provider: { only: ["groq"] } }, key.apiKey);
    expect((await readSse(stream)).status).toBe(200);

    const listing = await fetch(`${gateway.url}/api/v1/models/${LLAMA}/endpoints`);
    const figures = (await listing.json()) as { data: { endpoints: Array<{ tag: string; latency_last_30m: { p50: number } | null; throughput_last_30m: { p50: number } | null }> } };
    expectOpenRouterResponse(`/api/v1/models/${LLAMA}/endpoints`, "get", 200, figures);
    const groq = figures.data.endpoints.find((endpoint) => endpoint.tag === "groq");
    const deepinfra = figures.data.endpoints.find((endpoint) => endpoint.tag === "deepinfra");
    expect(groq?.throughput_last_30m?.p50).toBeGreaterThan(0);
    expect(deepinfra?.throughput_last_30m).toBeNull();
    expect(deepinfra?.latency_last_30m?.p50).toBeGreaterThanOrEqual(950);

    expect(await servedBy({ model: LLAMA, provider: { sort: "latency" } })).toBe("Groq");
    expect(await servedBy({ model: LLAMA, provider: { sort: { by: "latency", partition: "none" } } })).toBe("Groq");
    expect(await servedBy({ model: LLAMA, provider: { sort: "throughput" } })).toBe("Groq");
    expect(await servedBy({ model: `${LLAMA}:nitro` })).toBe("Groq");
    expect(await servedBy({ model: `${LLAMA}:floor` })).toBe("DeepInfra");
    expect(await servedBy({ model: LLAMA, provider: { sort: "price" } })).toBe("DeepInfra");
    // Soft thresholds: DeepInfra (cheapest) misses a 0.8 s p50 latency, so Groq comes first; nothing is removed.
    expect(await servedBy({ model: LLAMA, provider: { sort: "price", preferred_max_latency: 0.8 } })).toBe("Groq");
    expect(await servedBy({ model: LLAMA, provider: { sort: "price", preferred_max_latency: { p90: 0.8 } } })).toBe("Groq");
    expect(await servedBy({ model: LLAMA, provider: { sort: "price", preferred_min_throughput: { p50: 1 } } })).toBe("Groq");
    expect(await servedBy({ model: LLAMA, provider: { only: ["deepinfra"], preferred_max_latency: 0.8 } })).toBe("DeepInfra");
  });

  it("serves a variant the catalog lists, under its own id, and lists its endpoints", async () => {
    const answer = await client.chat.completions.create({ model: "openai/gpt-4o-mini:thinking", messages: [{ role: "user", content: "hi" }] });
    expect(answer.model).toBe("openai/gpt-4o-mini:thinking");
    const listing = await fetch(`${gateway.url}/api/v1/models/openai/gpt-4o-mini:thinking/endpoints`);
    expect(listing.status).toBe(200);
    const body = (await listing.json()) as { data: { id: string; endpoints: Array<{ tag: string }> } };
    expect(body.data.id).toBe("openai/gpt-4o-mini:thinking");
    expect(body.data.endpoints.map((endpoint) => endpoint.tag)).toEqual(["openai"]);
    expectOpenRouterResponse("/api/v1/models/openai/gpt-4o-mini:thinking/endpoints", "get", 200, body);
    const graph = await graphqlRequest<{ model: { endpoints: Array<{ variant: string }> } | null }>(gateway.url, `query { model(id: "openai/gpt-4o-mini:thinking") { endpoints { variant } } }`);
    expect(graph.errors).toBeUndefined();
    expect(graph.data?.model?.endpoints.map((endpoint) => endpoint.variant)).toEqual(["THINKING"]);
  });

  it("refuses a variant the catalog does not list, or one it does not know, with a 400 naming it", async () => {
    for (const [model, variant] of [
      ["openai/gpt-4o-mini:online", ":online"],
      [`${LLAMA}:extended`, ":extended"],
      [`${LLAMA}:turbo`, ":turbo"],
    ] as const) {
      const response = await postJson(`${gateway.url}/api/v1/chat/completions`, { model, messages: [{ role: "user", content: "hi" }] }, key.apiKey);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: number; message: string } };
      expect(body.error.message).toContain(`"${variant}"`);
      expectOpenRouterResponse("/api/v1/chat/completions", "post", 400, body);
    }
  });

  it("accepts the legacy route: \"fallback\" and refuses other route values with a 400", async () => {
    expect(await servedBy({ model: "openai/gpt-4o-mini", models: ["openai/gpt-4o"], route: "fallback" })).toBe("OpenAI");
    const response = await postJson(`${gateway.url}/api/v1/chat/completions`, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], route: "sideways" }, key.apiKey);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("route");
  });

  it("refuses malformed sort and threshold fields with a 400 naming the field", async () => {
    for (const provider of [{ sort: "fastest" }, { sort: { by: "price", partition: "all" } }, { preferred_min_throughput: -1 }, { preferred_max_latency: { p42: 1 } }]) {
      const response = await postJson(`${gateway.url}/api/v1/chat/completions`, { model: LLAMA, messages: [{ role: "user", content: "hi" }], provider }, key.apiKey);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain("provider.");
    }
  });
});

describe("context windows", () => {
  it("skips endpoints whose context is too small before calling them, and refuses what fits nowhere", async () => {
    // Llama 4 Scout: Groq has 131,072 tokens of context, DeepInfra 327,680. A ~150,000-token prompt fits only
    // DeepInfra, so Groq, first by provider.order, is never called.
    const long = "lorem ipsum dolor ".repeat(25_000);
    const before = fault.hits("meta-llama/Llama-4-Scout-17B-16E-Instruct");
    expect(await servedBy({ model: "meta-llama/llama-4-scout", messages: [{ role: "user", content: long }], provider: { order: ["groq", "deepinfra"] } })).toBe("DeepInfra");
    expect(fault.hits("meta-llama/Llama-4-Scout-17B-16E-Instruct")).toBe(before + 1);
    const record = providers.openai.requests.filter((request) => (request.body as { model?: string }).model === "meta-llama/llama-4-scout-17b-16e-instruct");
    expect(record).toHaveLength(0);
    const tooLong = await postJson(`${gateway.url}/api/v1/chat/completions`, { model: "google/gemma-2-9b-it", messages: [{ role: "user", content: long }] }, key.apiKey);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toContain("maximum context length is 8192 tokens");
  });
});
