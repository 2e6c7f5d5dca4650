import OpenAI from "openai";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd } from "../../src/billing/money.js";
import { generations } from "../../src/db/schema/index.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { webSocketClient } from "../support/graphql-client.js";
import type { Scrape } from "../support/prometheus-scrape.js";
import { parseScrape } from "../support/prometheus-scrape.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `GET /metrics`: Prometheus text that a strict parser reads (test/support/prometheus-scrape.ts), guarded by
 * METRICS_TOKEN, whose counters move with real traffic through the official SDK (completions plain and
 * streamed, a 402, a 429), whose gauges follow open subscriptions, and whose labels name nothing per key,
 * account or generation.
 */

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";
const MODEL = "openai/gpt-4o-mini";
const CHAT_ROUTE = "/api/v1/chat/completions";

let providers: SimulatedProviders;
let gateway: TestGateway;
let funded: FundedKey;
let broke: FundedKey;
let limited: FundedKey;

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return parseScrape(await response.text());
}

function sdk(key: FundedKey): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
}

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env, config: { METRICS_TOKEN, RATE_LIMIT_SETTINGS_CACHE_MS: "0" } });
  funded = await createFundedKey(gateway, { usd: "5", name: "metered" });
  broke = await createFundedKey(gateway, { usd: "0", name: "broke" });
  limited = await createFundedKey(gateway, { usd: "5", name: "limited" });
  await gateway.services.rateLimitSettings.set({ scope: "key", subjectId: limited.keyHash, requestsPerMinute: 1 });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

describe("GET /metrics", () => {
  it("refuses a scrape without the token or with another one, in OpenRouter's envelope", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer not-the-metrics-token-000000" }, { authorization: METRICS_TOKEN }]) {
      const response = await fetch(`${gateway.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(401);
      expect(body.error.message).toContain("METRICS_TOKEN");
    }
  });

  it("is Prometheus text with the gateway's families and Node.js process metrics", async () => {
    const first = await scrape();
    for (const name of [
      "gateway_http_requests_total",
      "gateway_http_request_duration_seconds",
      "gateway_overhead_seconds",
      "gateway_upstream_time_to_first_token_seconds",
      "gateway_generations_total",
      "gateway_tokens_total",
      "gateway_cost_usd_total",
      "gateway_refusals_total",
      "gateway_reservations_held",
      "gateway_reservations_held_usd",
      "gateway_open_streams",
      "gateway_open_subscriptions",
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(first.family(name).name).toBe(name);
    }
    expect(first.family("gateway_http_request_duration_seconds").type).toBe("histogram");
    expect(first.family("gateway_cost_usd_total").type).toBe("counter");
    expect(first.value("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts requests, tokens, exact cost, time to first token, overhead and refusals as traffic flows", async () => {
    const before = await scrape();
    const served = { route: CHAT_ROUTE, model: MODEL, status: "200" };
    const plain = await sdk(funded).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Say hello" }] });
    const stream = await sdk(funded).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: "Count to three" }] });
    let streamedId = "";
    for await (const chunk of stream) streamedId ||= chunk.id;
    await expect(sdk(broke).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hello" }] })).rejects.toMatchObject({ status: 402 });
    await sdk(limited).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "first" }] });
    await expect(sdk(limited).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "second" }] })).rejects.toMatchObject({ status: 429 });
    await gateway.services.completions.drain();
    await gateway.services.generations.flush();
    const after = await scrape();

    const requestSample = after.sample("gateway_http_requests_total", served);
    const provider = requestSample?.labels.provider ?? "";
    expect(provider).not.toBe("");
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta("gateway_http_requests_total", served)).toBe(3);
    expect(after.count("gateway_http_request_duration_seconds", served) - before.count("gateway_http_request_duration_seconds", served)).toBe(3);
    expect(delta("gateway_http_requests_total", { route: CHAT_ROUTE, status: "402" })).toBe(1);
    expect(delta("gateway_http_requests_total", { route: CHAT_ROUTE, status: "429" })).toBe(1);
    expect(delta("gateway_refusals_total", { reason: "payment_required" })).toBe(1);
    expect(delta("gateway_refusals_total", { reason: "rate_limit" })).toBe(1);
    expect(after.count("gateway_overhead_seconds", { route: CHAT_ROUTE }) - before.count("gateway_overhead_seconds", { route: CHAT_ROUTE })).toBe(3);
    // Only the stream has a time to first token.
    expect(after.count("gateway_upstream_time_to_first_token_seconds", { model: MODEL, provider }) - before.count("gateway_upstream_time_to_first_token_seconds", { model: MODEL, provider })).toBe(1);
    expect(delta("gateway_generations_total", { model: MODEL, provider, outcome: "ok" })).toBe(3);
    expect(after.value("gateway_open_streams")).toBe(0);

    // Tokens and cost equal the generation records of these requests (the first scrape saw none of this account's).
    const rows = await gateway.database.handle.db
      .select()
      .from(generations)
      .where(inArray(generations.accountId, [funded.accountId, limited.accountId]));
    expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining([plain.id, streamedId]));
    expect(rows).toHaveLength(3);
    const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
    expect(delta("gateway_tokens_total", { model: MODEL, provider, type: "prompt" })).toBe(sum((row) => row.tokensPrompt));
    expect(delta("gateway_tokens_total", { model: MODEL, provider, type: "completion" })).toBe(sum((row) => row.tokensCompletion));
    expect(sum((row) => row.tokensCompletion)).toBeGreaterThan(0);
    // The cost counter is summed in ledger units; its text is that exact sum in USD.
    const exactCost = rows.reduce((total, row) => total + row.totalCost, 0n);
    expect(exactCost).toBeGreaterThan(0n);
    // Prometheus values are float64; the counter's text is the exact sum in ledger units, converted once.
    expect(before.sample("gateway_cost_usd_total", { model: MODEL, provider })).toBeUndefined();
    expect(after.value("gateway_cost_usd_total", { model: MODEL, provider })).toBe(Number(formatUsd(exactCost)));
    const spent = (5n * 10n ** 12n - (await funded.balance())) + (5n * 10n ** 12n - (await limited.balance()));
    expect(spent).toBe(exactCost);
  });

  it("counts a stream as open while it streams, and a stream cut by the upstream as an error", async () => {
    const before = await scrape();
    const slow = await sdk(funded).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: "[[words:20]] [[delay:100]] slowly" }] });
    const chunks = slow[Symbol.asyncIterator]();
    await chunks.next();
    expect((await scrape()).value("gateway_open_streams")).toBe(1);
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next());
    await waitFor(async () => (await scrape()).value("gateway_open_streams") === 0);
    const cut = await sdk(funded).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: "[[fail-after:2]] cut short" }] });
    // The SDK raises the final error chunk the gateway sends after output began.
    await expect((async () => {
      for await (const _chunk of cut);
    })()).rejects.toThrow(/mid-stream/);
    await gateway.services.completions.drain();
    const after = await scrape();
    const provider = after.sample("gateway_generations_total", { model: MODEL, outcome: "ok" })?.labels.provider ?? "";
    expect(after.value("gateway_generations_total", { model: MODEL, provider, outcome: "error" }) - before.value("gateway_generations_total", { model: MODEL, provider, outcome: "error" })).toBe(1);
    expect(after.value("gateway_generations_total", { model: MODEL, provider, outcome: "ok" }) - before.value("gateway_generations_total", { model: MODEL, provider, outcome: "ok" })).toBe(1);
  });

  it("follows open GraphQL subscriptions up and back down", async () => {
    const client = webSocketClient(gateway.url);
    const opened = (await scrape()).value("gateway_open_subscriptions");
    const unsubscribe = client.subscribe({ query: "subscription { catalogUpdated { revision } }" }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitFor(async () => (await scrape()).value("gateway_open_subscriptions") === opened + 1);
    unsubscribe();
    await waitFor(async () => (await scrape()).value("gateway_open_subscriptions") === opened);
    await client.dispose();
  });

  it("labels nothing per key, account or generation: only bounded label names", async () => {
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const rows = await gateway.database.handle.db.select({ id: generations.id }).from(generations);
    for (const secret of [funded.keyHash, funded.accountId, limited.keyHash, broke.accountId, funded.apiKey, ...rows.map((row) => row.id)]) {
      expect(text).not.toContain(secret);
    }
    const allowed = new Set(["route", "model", "provider", "status", "type", "outcome", "reason", "le", "quantile", "version", "major", "minor", "patch", "kind", "space"]);
    for (const family of parseScrape(text).families) {
      for (const sample of family.samples) {
        for (const label of Object.keys(sample.labels)) expect(allowed, `${family.name} has label ${label}`).toContain(label);
      }
    }
  });
});

/** Polls `condition` until it holds (the server applies a subscribe or complete message asynchronously). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition never held");
}
