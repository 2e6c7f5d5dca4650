import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations, ledgerEntries } from "../../src/db/schema/index.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * BILLING_DURABILITY through real HTTP. The write intervals are set far beyond the test's length, so in
 * relaxed mode nothing is written when the answer arrives, and in strict mode (the default) everything is:
 * the answer waited for its own writes (group commit), not for the interval. When the generation record
 * cannot be written, a strict answer ends with a 500 envelope or an SSE error chunk instead of success.
 */
const CHAT = "/api/v1/chat/completions";
const FAR = { GENERATION_FLUSH_MS: "3600000", CREDIT_LEASE_FLUSH_MS: "3600000", CREDIT_LEASE_IDLE_MS: "3600000" };
/** Generation records with this `user` are refused by a check constraint added to the strict gateway's database. */
const REFUSED_USER = "refused-by-the-database";

let providers: SimulatedProviders;
const gateways: Record<"strict" | "relaxed", { gateway: TestGateway; key: FundedKey } | undefined> = { strict: undefined, relaxed: undefined };

beforeAll(async () => {
  providers = await startSimulatedProviders();
  for (const mode of ["strict", "relaxed"] as const) {
    const gateway = await startTestGateway({ env: providers.env, config: { ...FAR, ...(mode === "relaxed" ? { BILLING_DURABILITY: "relaxed" } : {}) } });
    gateways[mode] = { gateway, key: await createFundedKey(gateway, { usd: "10" }) };
  }
  await gateways.strict?.gateway.services.database.db.execute(
    sql.raw(`alter table generations add constraint refuse_test_user check (external_user is distinct from '${REFUSED_USER}')`),
  );
});

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((entry) => entry?.gateway.stop()));
  await providers?.close();
});

function target(mode: "strict" | "relaxed"): { gateway: TestGateway; key: FundedKey } {
  const entry = gateways[mode];
  if (entry === undefined) throw new Error(`${mode} gateway did not start`);
  return entry;
}

/** What the database holds for a generation right now (bypassing the recorder's queue). */
async function written(gateway: TestGateway, generationId: string): Promise<{ record: boolean; charge: bigint | undefined }> {
  const db = gateway.services.database.db;
  const records = await db.select({ id: generations.id }).from(generations).where(eq(generations.id, generationId));
  const charges = await db.select({ amount: ledgerEntries.amount }).from(ledgerEntries).where(eq(ledgerEntries.generationId, generationId));
  return { record: records.length === 1, charge: charges[0]?.amount };
}

const body = (stream: boolean, user?: string) => ({ model: "openai/gpt-4o-mini", stream, messages: [{ role: "user", content: "Hello" }], ...(user === undefined ? {} : { user }) });

describe("BILLING_DURABILITY", () => {
  it("strict: the JSON body and the stream's [DONE] arrive only once the charge and the generation record are in the database", async () => {
    const { gateway, key } = target("strict");
    const response = await postJson(`${gateway.url}${CHAT}`, body(false), key.apiKey);
    expect(response.status).toBe(200);
    const json = (await response.json()) as { id: string; usage: { cost: number } };
    const afterJson = await written(gateway, json.id);
    expect(afterJson.record).toBe(true);
    expect(afterJson.charge).toBeLessThan(0n);

    const streamed = await readSse(await postJson(`${gateway.url}${CHAT}`, body(true), key.apiKey));
    expect(streamed.events.at(-1)).toBe("[DONE]");
    const afterDone = await written(gateway, streamed.headers.get("x-generation-id") ?? "");
    expect(afterDone.record).toBe(true);
    expect(afterDone.charge).toBeLessThan(0n);
  });

  it("relaxed: the answer comes first, and the writes wait for their interval", async () => {
    const { gateway, key } = target("relaxed");
    const response = await postJson(`${gateway.url}${CHAT}`, body(false), key.apiKey);
    expect(response.status).toBe(200);
    const json = (await response.json()) as { id: string };
    expect(await written(gateway, json.id)).toEqual({ record: false, charge: undefined });
    await gateway.services.completions.drain();
    await gateway.services.generations.flush();
    const flushed = await written(gateway, json.id);
    expect(flushed.record).toBe(true);
    expect(flushed.charge).toBeLessThan(0n);
  });

  it("strict: when the generation record cannot be written, the JSON answer is a 500 envelope and the stream ends with an error chunk", async () => {
    const { gateway, key } = target("strict");
    const response = await postJson(`${gateway.url}${CHAT}`, body(false, REFUSED_USER), key.apiKey);
    expect(response.status).toBe(500);
    const envelope = (await response.json()) as { error: { code: number; message: string; metadata?: { generation_id?: string } } };
    expect(envelope.error.code).toBe(500);
    expect(envelope.error.message).toMatch(/not confirmed/);

    const streamed = await readSse(await postJson(`${gateway.url}${CHAT}`, body(true, REFUSED_USER), key.apiKey));
    expect(streamed.status).toBe(200);
    const last = streamed.chunks.at(-1) as { error?: { code: number }; choices?: Array<{ finish_reason: string | null }> };
    expect(last.error?.code).toBe(500);
    // No chunk claimed a successful finish.
    const finishes = streamed.chunks.flatMap((chunk) => ((chunk.choices ?? []) as Array<{ finish_reason?: string | null }>).map((choice) => choice.finish_reason ?? null));
    expect(finishes.filter((reason) => reason !== null && reason !== "error")).toEqual([]);
  });
});
