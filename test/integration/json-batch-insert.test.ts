import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonBatchInsert } from "../../src/db/json-batch-insert.js";
import { generations } from "../../src/db/schema/index.js";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestDatabase } from "../support/test-database.js";

/** The jsonb batch insert must store exactly what Drizzle's own insert stores, defaults included. */
describe("jsonBatchInsert", () => {
  let database: TestDatabase;
  const insert = jsonBatchInsert(generations);
  /** Every insert into generations the database ran, in order. */
  const inserts: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({
      onQuery: (statement) => {
        if (statement.startsWith('insert into "generations"')) inserts.push(statement);
      },
    });
  });
  afterAll(async () => {
    await database.destroy();
  });

  const full = (id: string): NewGenerationRow => ({
    id,
    accountId: "acct-1",
    keyHash: "hash-1",
    model: "openai/gpt-4o-mini",
    providerSlug: "openai",
    providerName: "OpenAI",
    upstreamId: "chatcmpl-1",
    apiType: "completions",
    streamed: true,
    cancelled: true,
    finishReason: "stop",
    nativeFinishReason: "end_turn",
    tokensPrompt: 12,
    tokensCompletion: 34,
    tokensReasoning: 5,
    tokensCached: 6,
    tokensCacheWrite: 7,
    // Above 2^53, so a float anywhere on the way would change it.
    totalCost: 9_007_199_254_740_993_123n,
    latencyMs: 250,
    generationTimeMs: 200,
    providerResponses: [{ provider: "openai", endpointId: 3, status: 200, errorType: null, latencyMs: 199 }],
    externalUser: "user \"quoted\" ✓",
    errorMessage: null,
    createdAt: new Date("2026-01-02T03:04:05.678Z"),
  });

  it("stores every column type as Drizzle's insert would", async () => {
    const db = database.handle.db;
    await insert.insert(db, [full("gen-json-1")]);
    await db.insert(generations).values(full("gen-drizzle-1"));
    const rows = await db.select().from(generations).where(inArray(generations.id, ["gen-json-1", "gen-drizzle-1"]));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const viaJson = byId.get("gen-json-1");
    const viaDrizzle = byId.get("gen-drizzle-1");
    expect(viaJson).toEqual({ ...viaDrizzle, id: "gen-json-1" });
    expect(viaJson?.totalCost).toBe(9_007_199_254_740_993_123n);
    expect(viaJson?.providerResponses).toEqual(full("x").providerResponses);
  });

  it("applies column defaults to values left out, and keeps explicit nulls", async () => {
    const db = database.handle.db;
    const sparse: NewGenerationRow = { id: "gen-json-sparse", model: "m", apiType: "completions", streamed: false, accountId: null };
    await insert.insert(db, [sparse]);
    await db.insert(generations).values({ ...sparse, id: "gen-drizzle-sparse" });
    const [viaJson] = await db.select().from(generations).where(eq(generations.id, "gen-json-sparse"));
    const [viaDrizzle] = await db.select().from(generations).where(eq(generations.id, "gen-drizzle-sparse"));
    expect(viaJson).toMatchObject({ cancelled: false, tokensPrompt: 0, totalCost: 0n, providerResponses: [], accountId: null });
    const { createdAt: jsonCreated, id: _a, ...jsonRest } = viaJson ?? { createdAt: undefined, id: undefined };
    const { createdAt: drizzleCreated, id: _b, ...drizzleRest } = viaDrizzle ?? { createdAt: undefined, id: undefined };
    expect(jsonRest).toEqual(drizzleRest);
    expect(jsonCreated).toBeInstanceOf(Date);
    expect(Math.abs((jsonCreated as Date).getTime() - (drizzleCreated as Date).getTime())).toBeLessThan(60_000);
  });

  it("writes many rows in one plain statement, and skips ids that already exist with a second, conflict-tolerant one", async () => {
    const db = database.handle.db;
    const rows = Array.from({ length: 150 }, (_, index) => ({ ...full(`gen-many-${index}`), tokensPrompt: index }));
    inserts.length = 0;
    await insert.insert(db, rows.slice(0, 100));
    // New ids: one statement, without ON CONFLICT (its speculative inserts cost more per row).
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).not.toContain("on conflict");
    await insert.insert(db, rows);
    // 100 of the 150 exist: the plain statement fails as a whole, then the batch goes in skipping them.
    expect(inserts).toHaveLength(3);
    expect(inserts[2]).toMatch(/on conflict do nothing$/);
    const [counted] = await db.select({ count: sql<number>`count(*)::int`, sum: sql<number>`sum(tokens_prompt)::int` }).from(generations).where(sql`${generations.id} like 'gen-many-%'`);
    expect(counted).toEqual({ count: 150, sum: (149 * 150) / 2 });
    await expect(insert.insert(db, [])).resolves.toBeUndefined();
  });
});
