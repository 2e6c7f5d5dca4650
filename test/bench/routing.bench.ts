import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway } from "../../src/app/gateway.js";
import type { RunningGateway } from "../../src/app/gateway.js";
import { buildSnapshot } from "../../src/catalog/catalog-snapshot.js";
import type { ChatRequest } from "../../src/completions/chat-request.js";
import { loadConfig } from "../../src/config/config.js";
import type { EndpointRow, ModelRow, ProviderRow } from "../../src/db/schema/index.js";
import { createInProcessHealth } from "../../src/routing/health/in-process-health.js";
import { seededRandom } from "../../src/routing/random-source.js";
import { createRouter } from "../../src/routing/router.js";
import { createFundedKey } from "../support/api-keys.js";
import { startFaultUpstream } from "../support/fault-upstream.js";
import { DEAD_BASE_URL, SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import { percentile, round } from "./stats.js";

/**
 * Routing costs (issue 16): how long one routing decision takes with 10,000 endpoints in the catalog (aim:
 * under 50 µs), and how much latency a failover adds when the first provider fails before its first byte.
 * Not a test: it prints figures. ROUTING_BENCH_DECISIONS and ROUTING_BENCH_REQUESTS scale the run.
 */
export interface RoutingBenchRow {
  scenario: string;
  samples: number;
  "p50 µs": number;
  "p99 µs": number;
  "mean µs": number;
}

const PROVIDERS = ["groq", "together", "fireworks", "deepinfra", "cerebras"];

function syntheticCatalog(endpointCount: number): { models: ModelRow[]; providers: ProviderRow[]; endpoints: EndpointRow[] } {
  const now = new Date(0);
  const providers: ProviderRow[] = PROVIDERS.map((slug) => ({
    slug,
    name: slug,
    privacyPolicyUrl: null,
    termsOfServiceUrl: null,
    statusPageUrl: null,
    headquarters: null,
    datacenters: [],
    dataPolicy: { training: false, retainsPrompts: false, retentionDays: null },
    createdAt: now,
    updatedAt: now,
  }));
  const models: ModelRow[] = [];
  const endpoints: EndpointRow[] = [];
  for (let index = 0; index < endpointCount / PROVIDERS.length; index += 1) {
    const id = `bench/model-${index}`;
    models.push({
      id,
      canonicalSlug: id,
      huggingFaceId: null,
      name: id,
      description: "",
      releasedAt: now,
      contextLength: 131_072,
      inputModalities: ["text"],
      outputModalities: ["text"],
      tokenizer: "Other",
      instructType: null,
      supportedParameters: [],
      defaultParameters: null,
      reasoning: null,
      knowledgeCutoff: null,
      createdAt: now,
      updatedAt: now,
    });
    PROVIDERS.forEach((providerSlug, position) => {
      endpoints.push({
        id: endpoints.length + 1,
        modelId: id,
        providerSlug,
        variant: "standard",
        providerModelId: id,
        pricePrompt: `0.000000${position + 1}`,
        priceCompletion: `0.00000${position + 1}`,
        priceRequest: "0",
        priceImage: "0",
        priceInputCacheRead: "0",
        priceInputCacheWrite: "0",
        priceInternalReasoning: "0",
        contextLength: 131_072,
        maxCompletionTokens: null,
        maxPromptTokens: null,
        quantization: null,
        supportedParameters: [],
        status: 0,
        createdAt: now,
        updatedAt: now,
      });
    });
  }
  return { models, providers, endpoints };
}

function request(model: string, provider: Partial<ChatRequest["provider"]> = {}): ChatRequest {
  return {
    models: [model],
    options: { prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
    stream: false,
    usedParameters: [],
    provider: { allowFallbacks: true, requireParameters: false, dataCollection: "allow", zdr: false, ...provider },
    apiType: "chat",
  };
}

/** Routing decisions against a 10,000-endpoint snapshot, with traffic recorded so health lookups are real. */
export function runRoutingDecisionBench(decisions = Number(process.env.ROUTING_BENCH_DECISIONS ?? 50_000)): RoutingBenchRow[] {
  const catalog = syntheticCatalog(10_000);
  const snapshot = buildSnapshot({ revision: 1, ...catalog });
  const health = createInProcessHealth();
  const router = createRouter({ snapshot: () => snapshot, isConfigured: () => true, configurationVariable: () => undefined, random: seededRandom(1), health });
  const now = Date.now();
  for (const endpoint of catalog.endpoints) {
    health.record({ endpointId: endpoint.id, result: endpoint.id % 7 === 0 ? "failure" : "success", at: now, timeToFirstTokenMs: 100 + (endpoint.id % 50), tokensPerSecond: 50 + (endpoint.id % 30) });
  }
  const modelCount = catalog.models.length;
  const scenarios: Array<{ scenario: string; build: (index: number) => ChatRequest }> = [
    { scenario: "default (inverse-square price draw), 10,000 endpoints", build: (index) => request(`bench/model-${index % modelCount}`) },
    { scenario: "provider.sort throughput", build: (index) => request(`bench/model-${index % modelCount}`, { sort: { by: "throughput", partition: "model" } }) },
    { scenario: ":nitro + preferred_max_latency", build: (index) => ({ ...request(`bench/model-${index % modelCount}:nitro`, { preferredMaxLatencyMs: { p90: 120 } }) }) },
  ];
  const prompt = { tokens: 10 };
  return scenarios.map(({ scenario, build }) => {
    for (let warm = 0; warm < 5000; warm += 1) router.route(build(warm), prompt);
    const samples: number[] = [];
    for (let index = 0; index < decisions; index += 1) {
      const routed = build(index);
      const started = process.hrtime.bigint();
      router.route(routed, prompt);
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    return { scenario, samples: samples.length, "p50 µs": round(percentile(samples, 50), 2), "p99 µs": round(percentile(samples, 99), 2), "mean µs": round(mean, 2) };
  });
}

export interface FailoverBenchRow {
  scenario: string;
  requests: number;
  "p50 ms": number;
  "p99 ms": number;
  "added p50 ms": number | string;
}

async function timeRequests(gateway: RunningGateway, apiKey: string, body: unknown, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`bench request failed with ${response.status}`);
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * One gateway (embedded database) on the simulators: Groq answers; DeepInfra (cheapest, so first by price)
 * answers 500 at once through the faulty upstream, or (for Together) nothing listens. The breaker is kept
 * closed so every request fails over; the figure is the p50 difference against Groq called directly.
 */
export async function runFailoverLatencyBench(requests = Number(process.env.ROUTING_BENCH_REQUESTS ?? 300)): Promise<FailoverBenchRow[]> {
  const providers = await startSimulatedProviders();
  const fault = await startFaultUpstream({ simulatorUrl: providers.openai.url, simulatorKey: SIMULATOR_KEYS.openai });
  const dataDir = mkdtempSync(join(tmpdir(), "gw-routing-bench-"));
  const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent", DATA_DIR: dataDir, BREAKER_MIN_ATTEMPTS: "1000000", ROUTING_RANDOM_SEED: "1" });
  const gateway = await startGateway({
    config,
    env: {
      ...providers.env,
      GROQ_API_KEY: SIMULATOR_KEYS.openai,
      GROQ_BASE_URL: `${providers.openai.url}/v1`,
      DEEPINFRA_API_KEY: "fault",
      DEEPINFRA_BASE_URL: fault.url,
      TOGETHER_API_KEY: "dead",
      TOGETHER_BASE_URL: DEAD_BASE_URL,
    },
  });
  try {
    fault.setMode("meta-llama/Llama-3.3-70B-Instruct-Turbo", "500");
    const key = await createFundedKey(gateway, { usd: "100" });
    const messages = [{ role: "user", content: "hi" }];
    const model = "meta-llama/llama-3.3-70b-instruct";
    const scenarios = [
      { scenario: "Groq directly (provider.only)", body: { model, messages, provider: { only: ["groq"] } } },
      { scenario: "DeepInfra 500 before the first byte, then Groq", body: { model, messages, provider: { only: ["deepinfra", "groq"], sort: "price" } } },
      { scenario: "Together refuses the connection, then Groq", body: { model, messages, provider: { order: ["together", "groq"], only: ["together", "groq"] } } },
    ];
    for (const { body } of scenarios) await timeRequests(gateway, key.apiKey, body, 30);
    const rows: FailoverBenchRow[] = [];
    let baseline = Number.NaN;
    for (const { scenario, body } of scenarios) {
      const samples = await timeRequests(gateway, key.apiKey, body, requests);
      const p50 = percentile(samples, 50);
      if (Number.isNaN(baseline)) baseline = p50;
      rows.push({ scenario, requests, "p50 ms": round(p50, 3), "p99 ms": round(percentile(samples, 99), 3), "added p50 ms": rows.length === 0 ? "—" : round(p50 - baseline, 3) });
    }
    return rows;
  } finally {
    await gateway.close();
    await fault.close();
    await providers.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
