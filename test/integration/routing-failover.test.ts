import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { parseUsd } from "../../src/billing/money.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { startFaultUpstream } from "../support/fault-upstream.js";
import type { FaultMode, FaultUpstream } from "../support/fault-upstream.js";
import { DEAD_BASE_URL, SIMULATOR_KEYS, llamaRoutingEnv, startSimulatedProviders } from "../support/simulated-providers.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import { startTestGateway } from "../support/test-gateway.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * Failover under injected faults (issue 16, parts 2, 3 and 5). DeepInfra, the cheapest provider of every model
 * used here, is a faulty upstream that fails in a way chosen per model; Groq is the OpenAI simulator; Together
 * is a port nothing listens on. Each scenario uses its own model, so its endpoints' health is its own. Requests
 * sort by price (or set `order`) so DeepInfra (or Together) is tried first and the attempt order is known.
 */

let providers: SimulatedProviders;
let fault: FaultUpstream;
let gateway: TestGateway;
let key: FundedKey;
const CHAT = "/api/v1/chat/completions";

interface GenerationRecord {
  provider_name: string;
  total_cost: number;
  tokens_prompt: number;
  tokens_completion: number;
  provider_responses: Array<{ provider_name: string; status: number | null; error_type: string | null }>;
}

interface EndpointListing {
  endpoints: Array<{ tag: string; uptime_last_5m: number | null; uptime_last_30m: number | null; uptime_last_1d: number | null; latency_last_30m: { p50: number; p99: number } | null; throughput_last_30m: { p50: number } | null }>;
}

beforeAll(async () => {
  providers = await startSimulatedProviders();
  fault = await startFaultUpstream({ simulatorUrl: providers.openai.url, simulatorKey: SIMULATOR_KEYS.openai });
  gateway = await startTestGateway({
    env: { ...llamaRoutingEnv(providers, { baseUrl: fault.url, apiKey: "fault-key" }), TOGETHER_API_KEY: "dead", TOGETHER_BASE_URL: DEAD_BASE_URL },
    config: { ROUTING_RANDOM_SEED: "16", UPSTREAM_HEADERS_TIMEOUT_MS: "400", BREAKER_MIN_ATTEMPTS: "3", BREAKER_COOL_DOWN_MS: "1500", HEALTH_SYNC_MS: "50" },
  });
  key = await createFundedKey(gateway, { usd: "20" });
});

afterAll(async () => {
  await gateway?.stop();
  await fault?.close();
  await providers?.close();
});

async function generation(id: string): Promise<GenerationRecord> {
  const response = await fetch(`${gateway.url}/api/v1/generation?id=${id}`, { headers: { authorization: `Bearer ${key.apiKey}` } });
  return ((await response.json()) as { data: GenerationRecord }).data;
}

async function endpoints(model: string): Promise<EndpointListing> {
  await gateway.services.health.sync();
  const response = await fetch(`${gateway.url}/api/v1/models/${model}/endpoints`);
  const body = (await response.json()) as { data: EndpointListing };
  expectOpenRouterResponse(`/api/v1/models/${model}/endpoints`, "get", 200, body);
  return body.data;
}

function endpointOf(listing: EndpointListing, tag: string): EndpointListing["endpoints"][number] {
  const found = listing.endpoints.find((endpoint) => endpoint.tag === tag);
  if (found === undefined) throw new Error(`no ${tag} endpoint`);
  return found;
}

/** Exactly what Groq's prices make of the recorded tokens. */
function groqCost(record: GenerationRecord, prices: { prompt: string; completion: string }): bigint {
  return BigInt(record.tokens_prompt) * parseUsd(prices.prompt) + BigInt(record.tokens_completion) * parseUsd(prices.completion);
}

const scenarios: Array<{ mode: FaultMode; model: string; deepinfraId: string; groq: { prompt: string; completion: string }; stream: boolean; firstStatus: number }> = [
  { mode: "500", model: "meta-llama/llama-3.3-70b-instruct", deepinfraId: "meta-llama/Llama-3.3-70B-Instruct-Turbo", groq: { prompt: "0.00000059", completion: "0.00000079" }, stream: false, firstStatus: 502 },
  { mode: "429", model: "openai/gpt-oss-120b", deepinfraId: "openai/gpt-oss-120b", groq: { prompt: "0.00000015", completion: "0.0000006" }, stream: false, firstStatus: 429 },
  { mode: "invalid-json", model: "openai/gpt-oss-20b", deepinfraId: "openai/gpt-oss-20b", groq: { prompt: "0.000000075", completion: "0.0000003" }, stream: false, firstStatus: 502 },
  { mode: "drop-before-output", model: "meta-llama/llama-4-scout", deepinfraId: "meta-llama/Llama-4-Scout-17B-16E-Instruct", groq: { prompt: "0.00000011", completion: "0.00000034" }, stream: true, firstStatus: 502 },
  { mode: "hang", model: "qwen/qwen3-32b", deepinfraId: "Qwen/Qwen3-32B", groq: { prompt: "0.00000029", completion: "0.00000059" }, stream: false, firstStatus: 408 },
];

describe("failover under injected faults", () => {
  for (const scenario of scenarios) {
    it(`fails over from a provider answering "${scenario.mode}" to the next, records both attempts, bills only the one that served, and moves the health figures`, async () => {
      fault.setMode(scenario.deepinfraId, scenario.mode);
      const before = await key.balance();
      const body = { model: scenario.model, messages: [{ role: "user", content: "Say hello" }], provider: { sort: "price", only: ["deepinfra", "groq"] }, stream: scenario.stream };
      const response = await postJson(`${gateway.url}${CHAT}`, body, key.apiKey);
      expect(response.status).toBe(200);
      let id: string;
      if (scenario.stream) {
        const transcript = await readSse(response);
        id = String(transcript.chunks[0]?.id);
        expect(transcript.chunks.at(-1)).toMatchObject({ provider: "Groq" });
      } else {
        const answer = (await response.json()) as { id: string; provider: string };
        expect(answer.provider).toBe("Groq");
        id = answer.id;
      }
      const record = await generation(id);
      expect(record.provider_responses.map((attempt) => [attempt.provider_name, attempt.status])).toEqual([
        ["DeepInfra", scenario.firstStatus],
        ["Groq", 200],
      ]);
      expect(fault.hits(scenario.deepinfraId)).toBe(1);
      // Only the attempt that served is billed, at its own prices, to the pico-dollar.
      const cost = groqCost(record, scenario.groq);
      expect(cost).toBeGreaterThan(0n);
      expect(parseUsd(String(record.total_cost))).toBe(cost);
      expect(before - (await key.balance())).toBe(cost);

      const listing = await endpoints(scenario.model);
      const groq = endpointOf(listing, "groq");
      expect(groq.uptime_last_5m).toBe(100);
      expect(groq.uptime_last_1d).toBe(100);
      expect(groq.latency_last_30m?.p50).toBeGreaterThan(0);
      const deepinfra = endpointOf(listing, "deepinfra");
      // A rate limit is not an outage: OpenRouter leaves it out of uptime.
      if (scenario.mode === "429") expect(deepinfra.uptime_last_5m).toBeNull();
      else expect([deepinfra.uptime_last_5m, deepinfra.uptime_last_30m, deepinfra.uptime_last_1d]).toEqual([0, 0, 0]);
    });
  }

  it("fails over from a provider that is down (nothing listens), and a 429's Retry-After rests that endpoint", async () => {
    const response = await postJson(
      `${gateway.url}${CHAT}`,
      { model: "meta-llama/llama-3.1-8b-instruct", messages: [{ role: "user", content: "hi" }], provider: { order: ["together", "groq"] } },
      key.apiKey,
    );
    expect(response.status).toBe(200);
    const record = await generation(((await response.json()) as { id: string }).id);
    expect(record.provider_responses.map((attempt) => attempt.provider_name)).toEqual(["Together", "Groq"]);
    expect(record.provider_responses[0]?.status).toBeGreaterThanOrEqual(500);

    // gpt-oss-120b's DeepInfra answered 429 with Retry-After: 30 in the scenario above: it is not tried again.
    const again = await postJson(`${gateway.url}${CHAT}`, { model: "openai/gpt-oss-120b", messages: [{ role: "user", content: "hi" }], provider: { sort: "price" } }, key.apiKey);
    expect(again.status).toBe(200);
    const second = await generation(((await again.json()) as { id: string }).id);
    expect(second.provider_responses.map((attempt) => attempt.provider_name)).toEqual(["Groq"]);
    expect(fault.hits("openai/gpt-oss-120b")).toBe(1);
  });

  it("ends a stream cut after output began with finish_reason error, bills what was generated, and counts the failure", async () => {
    const deepinfraId = "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8";
    fault.setMode(deepinfraId, "drop-mid-stream");
    const response = await postJson(
      `${gateway.url}${CHAT}`,
      { model: "meta-llama/llama-4-maverick", messages: [{ role: "user", content: "hi" }], provider: { sort: "price" }, stream: true },
      key.apiKey,
    );
    const transcript = await readSse(response);
    expect(transcript.status).toBe(200);
    const text = transcript.chunks.map((chunk) => (chunk.choices as Array<{ delta?: { content?: string } }> | undefined)?.[0]?.delta?.content ?? "").join("");
    expect(text).toBe("Half an answer");
    const finish = transcript.chunks.map((chunk) => (chunk.choices as Array<{ finish_reason?: string | null }> | undefined)?.[0]?.finish_reason).filter(Boolean);
    expect(finish).toContain("error");
    const record = await generation(String(transcript.chunks[0]?.id));
    expect(record.provider_responses).toHaveLength(1);
    expect(record.provider_name).toBe("DeepInfra");
    expect(record.tokens_completion).toBeGreaterThan(0);
    const listing = await endpoints("meta-llama/llama-4-maverick");
    expect(endpointOf(listing, "deepinfra").uptime_last_5m).toBe(0);
  });

  it("answers 503 with previous_errors (provider, status, message) when every attempt failed", async () => {
    fault.setMode("moonshotai/Kimi-K2-Instruct", "500");
    const response = await postJson(
      `${gateway.url}${CHAT}`,
      { model: "moonshotai/kimi-k2", messages: [{ role: "user", content: "hi" }], provider: { only: ["deepinfra", "together"] } },
      key.apiKey,
    );
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: number; message: string; metadata: { previous_errors: Array<{ provider: string; status: number; message: string }> } } };
    expect(body.error.code).toBe(503);
    expect(body.error.metadata.previous_errors.map((error) => error.provider).sort()).toEqual(["DeepInfra", "Together"]);
    for (const previous of body.error.metadata.previous_errors) {
      expect(previous.status).toBeGreaterThanOrEqual(500);
      expect(previous.message).toMatch(/\w/);
    }
    expectOpenRouterResponse(CHAT, "post", 503, body);
  });

  it("opens the breaker after mostly failing attempts, skips the endpoint while open, and closes it after one good probe", async () => {
    const model = "google/gemma-2-9b-it";
    const deepinfraId = "google/gemma-2-9b-it";
    const client = new OpenAI({ apiKey: key.apiKey, baseURL: `${gateway.url}/api/v1`, maxRetries: 0 });
    const ask = async (): Promise<string> => {
      const { data, response } = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "hi" }], provider: { sort: "price" } } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      expect(response.status).toBe(200);
      return (data as unknown as { provider: string }).provider;
    };
    fault.setMode(deepinfraId, "500");
    // Three failures in a row (BREAKER_MIN_ATTEMPTS=3): each request still served by Groq.
    for (let index = 0; index < 3; index += 1) expect(await ask()).toBe("Groq");
    expect(fault.hits(deepinfraId)).toBe(3);
    // Open (for BREAKER_COOL_DOWN_MS = 1.5 s, long enough for the next request on a loaded machine): DeepInfra is
    // skipped, even though it is first by price.
    fault.setMode(deepinfraId, "ok");
    expect(await ask()).toBe("Groq");
    expect(fault.hits(deepinfraId)).toBe(3);
    // After the cool-down one probe goes through; it succeeds and closes the circuit.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await ask()).toBe("DeepInfra");
    expect(await ask()).toBe("DeepInfra");
    expect(fault.hits(deepinfraId)).toBe(5);
  });

  it("still tries the least-bad endpoint when every candidate's circuit is open", async () => {
    const deepinfraId = "deepseek-ai/DeepSeek-R1-Distill-Llama-70B";
    fault.setMode(deepinfraId, "500");
    const body = { model: "deepseek/deepseek-r1-distill-llama-70b", messages: [{ role: "user", content: "hi" }], provider: { only: ["deepinfra"] } };
    for (let index = 0; index < 3; index += 1) expect((await postJson(`${gateway.url}${CHAT}`, body, key.apiKey)).status).toBe(502);
    expect(fault.hits(deepinfraId)).toBe(3);
    // Its only candidate is open: it is tried all the same (and now answers).
    fault.setMode(deepinfraId, "ok");
    const response = await postJson(`${gateway.url}${CHAT}`, body, key.apiKey);
    expect(response.status).toBe(200);
    expect(fault.hits(deepinfraId)).toBe(4);
  });
});
