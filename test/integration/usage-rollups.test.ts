import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_AMOUNT, formatUsd } from "../../src/billing/money.js";
import { generations } from "../../src/db/schema/index.js";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import type { UsageDimension } from "../../src/usage/usage-filter.js";
import { latencyBucketOf, latencyBucketUpperMs } from "../../src/usage/latency-buckets.js";
import { queryUsage } from "../../src/usage/usage-query.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestDatabase } from "../support/test-database.js";

/**
 * The rollup triggers: every rollup (hourly, daily, all-accounts daily) holds the same exact sums as the
 * records, a batch whose costs together pass a bigint is still written and summed to the unit, and a batch
 * retried after a write whose outcome was lost is not counted twice.
 */

let database: TestDatabase;
const HOUR = Date.UTC(2026, 0, 10, 14);

function row(id: string, overrides: Partial<NewGenerationRow> = {}): NewGenerationRow {
  return {
    id,
    accountId: "account-1",
    keyHash: "key-1",
    model: "openai/gpt-4o-mini",
    providerSlug: "openai",
    apiType: "completions",
    streamed: false,
    tokensPrompt: 10,
    tokensCompletion: 20,
    totalCost: 5n,
    latencyMs: 100,
    createdAt: new Date(HOUR + 60_000),
    ...overrides,
  };
}

async function total(options: { accountId?: string; groupBy?: UsageDimension[]; from?: Date; to?: Date; keys?: string[]; latency?: boolean } = {}) {
  return queryUsage(database.handle.db, {
    filter: { accountId: options.accountId, from: options.from, to: options.to, keys: options.keys },
    groupBy: options.groupBy ?? [],
    latency: options.latency ?? false,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.destroy();
});

describe("rollup triggers", () => {
  it("sum costs beyond a bigint exactly, in every rollup", async () => {
    await database.handle.db.insert(generations).values([row("gen-big-1", { totalCost: MAX_AMOUNT }), row("gen-big-2", { totalCost: MAX_AMOUNT }), row("gen-big-3", { totalCost: MAX_AMOUNT, accountId: "account-2", keyHash: "key-2" })]);
    const day = { from: new Date(Date.UTC(2026, 0, 10)), to: new Date(Date.UTC(2026, 0, 11)) };
    const [everyone] = await total(day); // all-accounts daily rollup
    const [byKeys] = await total({ ...day, keys: ["key-1", "key-2"] }); // hourly rollup
    const [one] = await total({ ...day, accountId: "account-1" }); // daily rollup
    expect(everyone?.cost).toBe(3n * MAX_AMOUNT);
    expect(byKeys?.cost).toBe(3n * MAX_AMOUNT);
    expect(one?.cost).toBe(2n * MAX_AMOUNT);
    expect(formatUsd(everyone?.cost ?? 0n)).toBe("27670116.110564327421");
    expect(everyone?.requests).toBe(3);
  });

  it("count a retried batch once", async () => {
    const before = (await total({ accountId: "account-9" }))[0]?.requests ?? 0;
    expect(before).toBe(0);
    const batch = [row("gen-retry-1", { accountId: "account-9" }), row("gen-retry-2", { accountId: "account-9" })];
    await database.handle.db.insert(generations).values(batch);
    // What jsonBatchInsert sends after a conflict: the same rows, existing ids skipped.
    await database.handle.db.insert(generations).values([...batch, row("gen-retry-3", { accountId: "account-9" })]).onConflictDoNothing();
    const [after] = await total({ accountId: "account-9", groupBy: ["hour"] });
    expect(after?.requests).toBe(3);
    expect(after?.cost).toBe(15n);
    expect(after?.hour?.getTime()).toBe(HOUR);
  });

  it("give the same latency percentiles from the hourly, daily and all-accounts histograms", async () => {
    const at = Date.UTC(2026, 0, 12, 14);
    const latencies = Array.from({ length: 20 }, (_, index) => (index + 1) * 50);
    await database.handle.db
      .insert(generations)
      .values(latencies.map((latencyMs, index) => row(`gen-latency-${index}`, { accountId: "account-lat", keyHash: "key-lat", latencyMs, createdAt: new Date(at + index * 1000) })));
    const day = { from: new Date(Date.UTC(2026, 0, 12)), to: new Date(Date.UTC(2026, 0, 13)) };
    const reported = (value: number) => latencyBucketUpperMs(latencyBucketOf(value));
    const expected = { p50: reported(500), p95: reported(950) };
    const sources = [
      await total({ ...day, latency: true }), // all-accounts daily histogram
      await total({ ...day, accountId: "account-lat", latency: true }), // daily
      await total({ ...day, keys: ["key-lat"], latency: true }), // hourly
      await total({ ...day, accountId: "account-lat", groupBy: ["hour"], latency: true }), // hourly, grouped
    ];
    for (const [figures] of sources) {
      expect({ p50: figures?.latencyP50Ms, p95: figures?.latencyP95Ms }).toEqual(expected);
      expect(figures?.requests).toBe(20);
    }
    expect(expected.p50).toBeGreaterThanOrEqual(500);
    expect(expected.p50).toBeLessThan(600);
  });
});
