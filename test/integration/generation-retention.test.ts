import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations } from "../../src/db/schema/index.js";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * GENERATION_RETENTION_DAYS: expired generation records go in DELETEs of at most GENERATION_RETENTION_BATCH
 * rows each, oldest first, and the usage rollups keep counting them.
 */

const MANAGEMENT_KEY = "mk-operator-retention-0123456789abcdef";
const statements: string[] = [];
let gateway: TestGateway;

function row(id: string, daysAgo: number): NewGenerationRow {
  return {
    id,
    accountId: null,
    keyHash: null,
    model: "openai/gpt-4o-mini",
    providerSlug: "openai",
    apiType: "completions",
    streamed: false,
    tokensPrompt: 10,
    tokensCompletion: 5,
    totalCost: 1_000_000n,
    latencyMs: 100,
    createdAt: new Date(Date.now() - daysAgo * 86_400_000),
  };
}

beforeAll(async () => {
  const database = await createTestDatabase({ onQuery: (text) => statements.push(text) });
  gateway = await startTestGateway({
    database,
    config: { MANAGEMENT_KEY, GENERATION_RETENTION_DAYS: "7", GENERATION_RETENTION_BATCH: "10", GENERATION_RETENTION_INTERVAL_MS: "600000" },
  });
  const old = Array.from({ length: 25 }, (_, index) => row(`gen-old-${String(index).padStart(2, "0")}`, 10 + index / 100));
  const recent = Array.from({ length: 3 }, (_, index) => row(`gen-new-${index}`, 1));
  await gateway.services.database.db.insert(generations).values([...old, ...recent]);
});

afterAll(async () => {
  await gateway?.stop();
});

describe("generation retention", () => {
  it("deletes expired rows in bounded batches, keeps recent ones, and the rollups keep the history", async () => {
    statements.length = 0;
    const batches = await gateway.services.generationRetention.runOnce();
    expect(batches).toEqual([10, 10, 5]);
    const deletes = statements.filter((text) => /delete from generations/i.test(text));
    expect(deletes.length).toBe(3);
    for (const text of deletes) expect(text).toMatch(/limit \$\d+/i);
    const [left] = await gateway.services.database.db.select({ n: count() }).from(generations);
    expect(left?.n).toBe(3);
    const usage = await graphqlRequest<{ usage: Array<{ requests: number; cost: string }> }>(gateway.url, "{ usage { requests cost } }", { apiKey: MANAGEMENT_KEY });
    expect(usage.data?.usage).toEqual([{ requests: 28, cost: "0.000028" }]);
    expect(await gateway.services.generationRetention.runOnce()).toEqual([]);
  });
});
