import OpenAI from "openai";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd, parseUsd } from "../../src/billing/money.js";
import { queryRows } from "../../src/billing/sql-rows.js";
import { createFundedKey, TEST_OPERATOR } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * GraphQL usage over real traffic: completions through the official SDK against the simulated upstreams, then
 * `usage`, `generations`, `Account.usage` and `ApiKey.usage` are compared to the ledger's usage entries (to the
 * pico-dollar) for the same filter, and to `GET /api/v1/key` and `/credits`. Tenant isolation of every new
 * field, grouping, filters, Relay paging and the statements a page of generations costs (no N+1).
 */

const MANAGEMENT_KEY = "mk-operator-usage-graphql-0123456789abcdef";
const statements: string[] = [];
let providers: SimulatedProviders;
let gateway: TestGateway;
let a: FundedKey;
let aSecond: { apiKey: string; keyHash: string };
let b: FundedKey;

interface LedgerSum {
  cost: bigint;
  requests: number;
}

/** The ledger's usage entries summed, for an account and optionally a key or model: the figures usage must equal. */
async function ledgerUsage(filter: { accountId?: string; keyHash?: string; model?: string; provider?: string }): Promise<LedgerSum> {
  const conditions = [sql`type = 'usage'`];
  if (filter.accountId !== undefined) conditions.push(sql`account_id = ${filter.accountId}::uuid`);
  if (filter.keyHash !== undefined) conditions.push(sql`key_hash = ${filter.keyHash}`);
  if (filter.model !== undefined) conditions.push(sql`model = ${filter.model}`);
  if (filter.provider !== undefined) conditions.push(sql`metadata->>'provider' = ${filter.provider}`);
  const [row] = await queryRows<{ cost: string | null; requests: string | number }>(
    gateway.services.database.db,
    sql`select (-sum(amount))::text as cost, count(*) as requests from ledger_entries where ${sql.join(conditions, sql` and `)}`,
  );
  return { cost: BigInt(row?.cost ?? "0"), requests: Number(row?.requests ?? 0) };
}

interface Row {
  day: string | null;
  hour: string | null;
  model: string | null;
  provider: string | null;
  keyId: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  errors: number;
  cancelled: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

const ROW_FIELDS = "day hour model provider keyId requests promptTokens completionTokens reasoningTokens cachedTokens cost errors cancelled latencyP50Ms latencyP95Ms";

async function usage(key: string, variables: { filter?: Record<string, unknown>; groupBy?: string[] } = {}) {
  return graphqlRequest<{ usage: Row[] }>(gateway.url, `query($filter: UsageFilter, $groupBy: [UsageGroupBy!]) { usage(filter: $filter, groupBy: $groupBy) { ${ROW_FIELDS} } }`, {
    apiKey: key,
    variables,
  });
}

async function usageRows(key: string, variables: { filter?: Record<string, unknown>; groupBy?: string[] } = {}): Promise<Row[]> {
  const result = await usage(key, variables);
  expect(result.errors).toBeUndefined();
  return result.data?.usage ?? [];
}

async function complete(apiKey: string, model: string, stream = false): Promise<void> {
  const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey, maxRetries: 0 });
  if (stream) {
    const chunks = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "Count to five" }] });
    for await (const chunk of chunks) void chunk;
    return;
  }
  await client.chat.completions.create({ model, messages: [{ role: "user", content: `Say hello to ${model}` }] });
}

beforeAll(async () => {
  providers = await startSimulatedProviders();
  const database = await createTestDatabase({ onQuery: (text) => statements.push(text) });
  gateway = await startTestGateway({ database, env: providers.env, config: { MANAGEMENT_KEY, CATALOG_POLL_MS: "600000" } });
  a = await createFundedKey(gateway, { usd: "5", name: "usage A" });
  const second = await gateway.services.keys.create(TEST_OPERATOR, { accountId: a.accountId, name: "A second key" });
  aSecond = { apiKey: second.plaintext, keyHash: second.key.hash };
  b = await createFundedKey(gateway, { usd: "5", name: "usage B" });
  await complete(a.apiKey, "openai/gpt-4o-mini");
  await complete(a.apiKey, "openai/gpt-4o-mini", true);
  await complete(a.apiKey, "anthropic/claude-haiku-4.5");
  await complete(aSecond.apiKey, "google/gemini-2.5-flash");
  await complete(aSecond.apiKey, "openai/gpt-4o-mini");
  await complete(b.apiKey, "openai/gpt-4o-mini");
  await gateway.services.completions.drain();
  await gateway.services.generations.flush();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

describe("usage equals the ledger's usage entries, to the unit", () => {
  it("for the whole account, with no grouping", async () => {
    const [total] = await usageRows(a.apiKey);
    const ledger = await ledgerUsage({ accountId: a.accountId });
    expect(ledger.requests).toBe(5);
    expect(parseUsd(total?.cost ?? "0")).toBe(ledger.cost);
    expect(total?.requests).toBe(5);
    expect(total?.promptTokens).toBeGreaterThan(0);
    expect(total?.completionTokens).toBeGreaterThan(0);
  });

  it("grouped by model, by key and by provider, each group equal to the ledger's entries of that group", async () => {
    const byModel = await usageRows(a.apiKey, { groupBy: ["MODEL"] });
    expect(byModel.map((row) => row.model)).toEqual(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "openai/gpt-4o-mini"]);
    for (const row of byModel) {
      const ledger = await ledgerUsage({ accountId: a.accountId, model: row.model ?? "" });
      expect({ model: row.model, cost: parseUsd(row.cost), requests: row.requests }).toEqual({ model: row.model, cost: ledger.cost, requests: ledger.requests });
    }
    const byKey = await usageRows(a.apiKey, { groupBy: ["KEY"] });
    expect(byKey.map((row) => row.keyId).sort()).toEqual([a.keyHash, aSecond.keyHash].sort());
    for (const row of byKey) expect(parseUsd(row.cost)).toBe((await ledgerUsage({ keyHash: row.keyId ?? "" })).cost);
    const byProvider = await usageRows(a.apiKey, { groupBy: ["PROVIDER"] });
    expect(byProvider.length).toBe(3);
    for (const row of byProvider) expect(parseUsd(row.cost)).toBe((await ledgerUsage({ accountId: a.accountId, provider: row.provider ?? "" })).cost);
  });

  it("filtered by key, model and provider", async () => {
    const [second] = await usageRows(a.apiKey, { filter: { keys: [aSecond.keyHash] } });
    expect(parseUsd(second?.cost ?? "0")).toBe((await ledgerUsage({ keyHash: aSecond.keyHash })).cost);
    expect(second?.requests).toBe(2);
    const [mini] = await usageRows(a.apiKey, { filter: { models: ["openai/gpt-4o-mini"], keys: [a.keyHash] } });
    expect(mini?.requests).toBe(2);
    expect(parseUsd(mini?.cost ?? "0")).toBe((await ledgerUsage({ keyHash: a.keyHash, model: "openai/gpt-4o-mini" })).cost);
    const byProvider = await usageRows(a.apiKey, { groupBy: ["PROVIDER"] });
    const first = byProvider[0];
    const [one] = await usageRows(a.apiKey, { filter: { providers: [first?.provider] } });
    expect(one?.cost).toBe(first?.cost);
    expect(await usageRows(a.apiKey, { filter: { models: ["no/such-model"] } })).toEqual([]);
  });

  it("by day and by hour (UTC), the same totals from the daily and the hourly rollups", async () => {
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const midnight = new Date(`${today}T00:00:00Z`);
    const tomorrow = new Date(midnight.getTime() + 86_400_000);
    const byDay = await usageRows(a.apiKey, { groupBy: ["DAY"], filter: { from: midnight.toISOString(), to: tomorrow.toISOString() } });
    expect(byDay.map((row) => row.day)).toEqual([today]);
    // Not on a day boundary: answered from the hourly rollup.
    const hourly = await usageRows(a.apiKey, { groupBy: ["DAY"], filter: { from: midnight.toISOString(), to: new Date(tomorrow.getTime() + 3_600_000).toISOString() } });
    expect(hourly).toEqual(byDay);
    const byHour = await usageRows(a.apiKey, { groupBy: ["HOUR"] });
    const hourSum = byHour.reduce((sum, row) => sum + parseUsd(row.cost), 0n);
    expect(hourSum).toBe((await ledgerUsage({ accountId: a.accountId })).cost);
    for (const row of byHour) expect(new Date(row.hour ?? "").getUTCMinutes()).toBe(0);
    const yesterday = await usageRows(a.apiKey, { filter: { from: new Date(midnight.getTime() - 86_400_000).toISOString(), to: midnight.toISOString() } });
    expect(yesterday).toEqual([]);
  });

  it("reports latency percentiles from the histogram, p50 <= p95, and counts no errors on clean traffic", async () => {
    const [total] = await usageRows(a.apiKey);
    expect(total?.latencyP50Ms).not.toBeNull();
    expect(total?.latencyP95Ms ?? 0).toBeGreaterThanOrEqual(total?.latencyP50Ms ?? Infinity);
    expect(total?.errors).toBe(0);
    expect(total?.cancelled).toBe(0);
  });

  it("an operator reads every account, or the one named", async () => {
    const [all] = await usageRows(MANAGEMENT_KEY);
    expect(parseUsd(all?.cost ?? "0")).toBe((await ledgerUsage({})).cost);
    expect(all?.requests).toBe(6);
    const [onlyB] = await usageRows(MANAGEMENT_KEY, { filter: { accountId: b.accountId } });
    expect(parseUsd(onlyB?.cost ?? "0")).toBe((await ledgerUsage({ accountId: b.accountId })).cost);
    expect(onlyB?.requests).toBe(1);
  });

  it("refuses bad input with a typed error", async () => {
    const backwards = await usage(a.apiKey, { filter: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } });
    expect(backwards.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooMany = await usage(a.apiKey, { filter: { models: Array.from({ length: 201 }, (_, index) => `m/${index}`) } });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("Account.usage and ApiKey.usage agree with GET /api/v1/credits and /key", () => {
  it("to the unit", async () => {
    const result = await graphqlRequest<{
      viewer: { usage: { total: string; recordedCost: string; requests: number }; keys: Array<{ hash: string; usage: { total: string; recordedCost: string; requests: number } }> };
      currentKey: { usage: { total: string; recordedCost: string; requests: number } };
    }>(gateway.url, "{ viewer { usage { total recordedCost requests } keys { hash usage { total recordedCost requests } } } currentKey { usage { total recordedCost requests } } }", { apiKey: a.apiKey });
    expect(result.errors).toBeUndefined();
    const credits = (await (await fetch(`${gateway.url}/api/v1/credits`, { headers: { authorization: `Bearer ${a.apiKey}` } })).json()) as { data: { total_usage: number } };
    const keyInfo = (await (await fetch(`${gateway.url}/api/v1/key`, { headers: { authorization: `Bearer ${a.apiKey}` } })).json()) as { data: { usage: number } };
    const viewer = result.data?.viewer;
    const ledger = await ledgerUsage({ accountId: a.accountId });
    expect(viewer?.usage.total).toBe(formatUsd(ledger.cost));
    expect(viewer?.usage.recordedCost).toBe(viewer?.usage.total);
    expect(Number(viewer?.usage.total)).toBe(credits.data.total_usage);
    expect(viewer?.usage.requests).toBe(5);
    expect(result.data?.currentKey.usage.recordedCost).toBe(result.data?.currentKey.usage.total);
    expect(Number(result.data?.currentKey.usage.total)).toBe(keyInfo.data.usage);
    for (const key of viewer?.keys ?? []) {
      expect(key.usage.recordedCost).toBe(formatUsd((await ledgerUsage({ keyHash: key.hash })).cost));
      expect(key.usage.recordedCost).toBe(key.usage.total);
    }
  });
});

const GENERATIONS = `query($filter: GenerationFilter, $first: Int, $after: String) {
  generations(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id createdAt model providerSlug cost latencyMs finishReason status cancelled promptTokens completionTokens
      key { id label } provider { slug name } endpoint { providerModelId variant } modelDetails { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface GenerationsResult {
  generations: {
    edges: Array<{ cursor: string; node: { id: string; model: string; cost: string; key: { id: string } | null; provider: { slug: string } | null; endpoint: { providerModelId: string } | null; modelDetails: { id: string } | null } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe("generations", () => {
  it("pages newest first through the caller's own generations, each with its key, provider, endpoint and model", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: Awaited<ReturnType<typeof graphqlRequest<GenerationsResult>>> = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: a.apiKey, variables: { first: 2, after } });
      expect(result.errors).toBeUndefined();
      const connection: GenerationsResult["generations"] | undefined = result.data?.generations;
      for (const edge of connection?.edges ?? []) {
        seen.push(edge.node.id);
        expect(edge.node.key?.id === a.keyHash || edge.node.key?.id === aSecond.keyHash).toBe(true);
        expect(edge.node.provider?.slug).toBeTruthy();
        expect(edge.node.endpoint?.providerModelId).toBeTruthy();
        expect(edge.node.modelDetails?.id).toBe(edge.node.model);
      }
      pages += 1;
      if (connection?.pageInfo.hasNextPage !== true) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const ledgerIds = await queryRows<{ generation_id: string }>(gateway.services.database.db, sql`select generation_id from ledger_entries where type = 'usage' and account_id = ${a.accountId}::uuid order by id desc`);
    expect([...seen].sort()).toEqual(ledgerIds.map((row) => row.generation_id).sort());
  });

  it("a page of 5 costs the same statements as a page of 1 (DataLoader, no N+1)", async () => {
    const count = async (first: number): Promise<number> => {
      statements.length = 0;
      const result = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: MANAGEMENT_KEY, variables: { first } });
      expect(result.data?.generations.edges.length).toBe(first);
      return statements.filter((text) => /"(generations|api_keys|endpoints|providers|models)"/.test(text)).length;
    };
    const one = await count(1);
    const five = await count(5);
    expect(five).toBe(one);
    expect(five).toBeLessThanOrEqual(6);
  });

  it("filters by key and model; refuses a cursor that is not one", async () => {
    const result = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: a.apiKey, variables: { filter: { keys: [aSecond.keyHash], models: ["openai/gpt-4o-mini"] } } });
    expect(result.data?.generations.edges.map((edge) => edge.node.key?.id)).toEqual([aSecond.keyHash]);
    const bad = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: a.apiKey, variables: { after: "not-a-cursor" } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("tenant isolation of the usage fields", () => {
  it("another account's id is NOT_FOUND for usage and generations, like a missing account", async () => {
    for (const query of [
      "query($id: ID) { usage(filter: { accountId: $id }) { cost } }",
      "query($id: ID) { generations(filter: { accountId: $id }) { edges { node { id } } } }",
    ]) {
      const foreign = await graphqlRequest(gateway.url, query, { apiKey: a.apiKey, variables: { id: b.accountId } });
      const missing = await graphqlRequest(gateway.url, query, { apiKey: a.apiKey, variables: { id: "00000000-0000-4000-8000-000000000000" } });
      expect(foreign.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(foreign.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
      expect(foreign.data).toBeNull();
    }
  });

  it("another account's key ids and models match nothing", async () => {
    expect(await usageRows(a.apiKey, { filter: { keys: [b.keyHash] } })).toEqual([]);
    expect(await usageRows(b.apiKey, { filter: { models: ["anthropic/claude-haiku-4.5"] } })).toEqual([]);
    const byKey = await usageRows(b.apiKey, { groupBy: ["KEY", "MODEL"] });
    expect(byKey.map((row) => [row.keyId, row.model])).toEqual([[b.keyHash, "openai/gpt-4o-mini"]]);
    const foreignKeys = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: a.apiKey, variables: { filter: { keys: [b.keyHash] } } });
    expect(foreignKeys.data?.generations.edges).toEqual([]);
    const own = await graphqlRequest<GenerationsResult>(gateway.url, GENERATIONS, { apiKey: b.apiKey, variables: {} });
    expect(own.data?.generations.edges.length).toBe(1);
    expect(JSON.stringify(own)).not.toContain(a.keyHash);
  });
});
