import { OpenRouter } from "@openrouter/sdk";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usd } from "../../src/billing/money.js";
import { endpoints, generations, providers } from "../../src/db/schema/index.js";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `GET /api/v1/activity` as OpenRouter's: the last 30 completed UTC days (today and older days left out), one row
 * per date, model and endpoint, the `date` filter, validated against the published description; an account
 * sees only its own activity, an operator every account's.
 */

const MANAGEMENT_KEY = "mk-operator-activity-0123456789abcdef";
const DAY_MS = 86_400_000;
let gateway: TestGateway;
let a: FundedKey;
let b: FundedKey;

interface ActivityItem {
  date: string;
  model: string;
  model_permaslug: string;
  endpoint_id: string;
  provider_name: string;
  usage: number;
  byok_usage_inference: number;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dateOf = (daysAgo: number) => new Date(midnight - daysAgo * DAY_MS).toISOString().slice(0, 10);

let sequence = 0;
function row(owner: FundedKey, options: { daysAgo: number; model?: string; provider?: string; cost: bigint; prompt: number; completion: number; reasoning?: number }): NewGenerationRow {
  sequence += 1;
  return {
    id: `gen-activity-${sequence}`,
    accountId: owner.accountId,
    keyHash: owner.keyHash,
    model: options.model ?? "openai/gpt-4o-mini",
    providerSlug: options.provider ?? "openai",
    apiType: "completions",
    streamed: false,
    tokensPrompt: options.prompt,
    tokensCompletion: options.completion,
    tokensReasoning: options.reasoning ?? 0,
    totalCost: options.cost,
    latencyMs: 50,
    // Mid-day, so the UTC date is unambiguous.
    createdAt: new Date(midnight - options.daysAgo * DAY_MS + 12 * 3_600_000),
  };
}

async function activity(key: string, query = ""): Promise<{ status: number; body: { data: ActivityItem[] } & { error?: { code: number; message: string } } }> {
  const response = await fetch(`${gateway.url}/api/v1/activity${query}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json()) as { data: ActivityItem[] } & { error?: { code: number; message: string } };
  expectOpenRouterResponse("/api/v1/activity", "get", response.status, body);
  return { status: response.status, body };
}

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY } });
  a = await createFundedKey(gateway, { usd: "1", name: "activity A" });
  b = await createFundedKey(gateway, { usd: "1", name: "activity B" });
  await gateway.services.database.db.insert(generations).values([
    row(a, { daysAgo: 1, cost: 1_500_000n, prompt: 10, completion: 20, reasoning: 3 }),
    row(a, { daysAgo: 1, cost: 2_500_000n, prompt: 30, completion: 40 }),
    row(a, { daysAgo: 1, model: "anthropic/claude-haiku-4.5", provider: "anthropic", cost: 7n, prompt: 1, completion: 2 }),
    row(a, { daysAgo: 3, cost: 1_000_000_000_000n, prompt: 5, completion: 6 }),
    // Today is not a completed day, and 31 days ago is outside the window.
    row(a, { daysAgo: 0, cost: 9n, prompt: 9, completion: 9 }),
    row(a, { daysAgo: 31, cost: 9n, prompt: 9, completion: 9 }),
    row(b, { daysAgo: 1, cost: 4_000_000n, prompt: 100, completion: 100 }),
  ]);
});

afterAll(async () => {
  await gateway?.stop();
});

describe("GET /api/v1/activity", () => {
  it("lists the caller's last 30 completed UTC days by date, model and endpoint, as the contract describes", async () => {
    const { status, body } = await activity(a.apiKey);
    expect(status).toBe(200);
    const [endpoint] = await gateway.services.database.db
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(eq(endpoints.modelId, "openai/gpt-4o-mini"), eq(endpoints.providerSlug, "openai"), eq(endpoints.variant, "standard")));
    const [openai] = await gateway.services.database.db.select({ name: providers.name }).from(providers).where(eq(providers.slug, "openai"));
    expect(body.data.map((item) => [item.date, item.model, item.requests])).toEqual([
      [dateOf(3), "openai/gpt-4o-mini", 1],
      [dateOf(1), "anthropic/claude-haiku-4.5", 1],
      [dateOf(1), "openai/gpt-4o-mini", 2],
    ]);
    const yesterday = body.data[2];
    expect(yesterday).toMatchObject({
      endpoint_id: String(endpoint?.id),
      provider_name: openai?.name,
      usage: 0.000004,
      byok_usage_inference: 0,
      prompt_tokens: 40,
      completion_tokens: 60,
      reasoning_tokens: 3,
    });
    expect(body.data[0]?.usage).toBe(1);
    expect(body.data.reduce((sum, item) => sum + usd(item.usage), 0n)).toBe(1_000_004_000_007n);
  });

  it("filters by one date and refuses a date that is not one of the 30 completed days", async () => {
    const one = await activity(a.apiKey, `?date=${dateOf(3)}`);
    expect(one.body.data.map((item) => item.date)).toEqual([dateOf(3)]);
    for (const bad of ["yesterday", "2026-02-30", dateOf(0), dateOf(31)]) {
      const refused = await activity(a.apiKey, `?date=${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe(400);
    }
  });

  it("shows an account only its own activity; an operator every account's", async () => {
    const foreignKey = await activity(a.apiKey, `?api_key_hash=${b.keyHash}`);
    expect(foreignKey.body.data).toEqual([]);
    const foreignAccount = await activity(a.apiKey, `?workspace_id=${b.accountId}`);
    expect(foreignAccount.status).toBe(404);
    const own = await activity(b.apiKey);
    expect(own.body.data.map((item) => [item.date, item.requests, item.usage])).toEqual([[dateOf(1), 1, 0.000004]]);
    const all = await activity(MANAGEMENT_KEY, `?date=${dateOf(1)}`);
    expect(all.body.data.find((item) => item.model === "openai/gpt-4o-mini")?.requests).toBe(3);
    const onlyB = await activity(MANAGEMENT_KEY, `?workspace_id=${b.accountId}`);
    expect(onlyB.body.data).toEqual(own.body.data);
    const unauthenticated = await fetch(`${gateway.url}/api/v1/activity`);
    expect(unauthenticated.status).toBe(401);
  });

  it("is read by OpenRouter's SDK, whose own validation accepts the answer", async () => {
    const client = new OpenRouter({ apiKey: a.apiKey, serverURL: `${gateway.url}/api/v1` });
    const answer = await client.analytics.getUserActivity({ date: dateOf(1) });
    expect(answer.data.map((item) => [item.model, item.requests, item.promptTokens])).toEqual([
      ["anthropic/claude-haiku-4.5", 1, 1],
      ["openai/gpt-4o-mini", 2, 40],
    ]);
  });
});
