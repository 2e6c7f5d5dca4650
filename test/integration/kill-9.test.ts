import { pathToFileURL } from "node:url";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../../src/config/project-root.js";
import { creditBalances, generations, ledgerEntries } from "../../src/db/schema/index.js";
import { createFundedAccount, startNodeProcess } from "../bench/gateway-process.js";
import type { NodeProcess } from "../bench/gateway-process.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { TS_LOADER } from "../support/gateway-process.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";

/**
 * Served means charged (BILLING_DURABILITY=strict, the default): a gateway running as its own process, on a
 * PGlite folder or on Postgres, is killed with SIGKILL in the middle of a load of streamed and non-streamed
 * requests, right as a response completes. A gateway restarted on the same data then shows, for every
 * request whose response was received in full (the JSON body parsed, or `[DONE]` seen with no error chunk),
 * a generation record and a usage entry in the ledger, and the balance equals the ledger.
 */
const CONCURRENCY = 20;
/** The kill comes as this many responses have completed, while the others are in flight. */
const KILL_AFTER = 60;
const CHAT = "/api/v1/chat/completions";
const LOADER = pathToFileURL(TS_LOADER).href;

let providers: SimulatedProviders;
let database: TestDatabase;
let account: { apiKey: string; accountId: string };

beforeAll(async () => {
  providers = await startSimulatedProviders();
  database = await createTestDatabase();
  account = await createFundedAccount(database.handle, { usd: "1000", name: "kill -9" });
  // PGlite is one process's folder: the gateway processes open it, this one only after they are gone.
  await database.handle.close();
});

afterAll(async () => {
  await providers?.close();
  await database?.destroy();
});

/** `src/main.ts` as its own process on the test's database, as in production. */
function startGateway(durability: string): Promise<NodeProcess> {
  return startNodeProcess({
    script: projectPath("src", "main.ts"),
    nodeArgs: ["--import", LOADER],
    readyPath: "/readyz",
    env: {
      ...providers.env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATABASE_URL: database.url ?? "",
      DATA_DIR: database.dataDir ?? "",
      BILLING_DURABILITY: durability,
      RATE_LIMIT_KEY_PREFIX: `gw:kill9:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
    },
  });
}

/** One request; resolves with its generation id when its response arrived in full and successfully. */
async function completedRequest(url: string, index: number): Promise<string | undefined> {
  const stream = index % 2 === 0;
  const body = { model: "openai/gpt-4o-mini", stream, messages: [{ role: "user", content: `request ${index}: say something` }] };
  const response = await postJson(`${url}${CHAT}`, body, account.apiKey);
  if (response.status !== 200) return undefined;
  if (!stream) {
    const json = (await response.json()) as { id?: string };
    return json.id;
  }
  const transcript = await readSse(response);
  if (transcript.events.at(-1) !== "[DONE]") return undefined;
  if (transcript.chunks.some((chunk) => chunk.error !== undefined)) return undefined;
  return transcript.headers.get("x-generation-id") ?? undefined;
}

/** Runs CONCURRENCY workers until the gateway dies; the kill comes as the KILL_AFTER-th response completes. */
async function loadUntilKilled(gateway: NodeProcess): Promise<{ served: string[]; failed: number }> {
  const served: string[] = [];
  let failed = 0;
  let next = 0;
  let killed: Promise<unknown> | undefined;
  const worker = async (): Promise<void> => {
    while (killed === undefined) {
      const index = next;
      next += 1;
      const id = await completedRequest(gateway.url, index).catch(() => undefined);
      if (id === undefined) {
        failed += 1;
        continue;
      }
      served.push(id);
      // At once, in the same turn as the response's last byte: nothing of this process waits for it.
      if (served.length === KILL_AFTER) killed = gateway.kill();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await killed;
  return { served, failed };
}

describe("kill -9 under load (BILLING_DURABILITY=strict)", () => {
  it(
    "every request served before the kill is charged and recorded once a gateway restarts on the same data",
    async () => {
      const first = await startGateway("strict");
      const { served, failed } = await loadUntilKilled(first);
      expect(served.length).toBeGreaterThanOrEqual(KILL_AFTER);
      // Requests in flight at the kill failed; this is a load test, not a run where all finished before it.
      expect(failed).toBeGreaterThan(0);

      const second = await startGateway("strict");
      // Through the restarted gateway's own API: each served generation is there, read from the database.
      const notFoundThroughApi: string[] = [];
      try {
        for (const id of served) {
          const response = await fetch(`${second.url}/api/v1/generation?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${account.apiKey}` } });
          if (response.status !== 200) notFoundThroughApi.push(id);
        }
      } finally {
        await second.stop();
      }

      const handle = await database.reopen();
      try {
        const records = await handle.db.select({ id: generations.id, cost: generations.totalCost }).from(generations).where(inArray(generations.id, served));
        const entries = await handle.db.select().from(ledgerEntries).where(eq(ledgerEntries.accountId, account.accountId));
        const usageEntries = entries.filter((entry) => entry.type === "usage");
        const usage = new Map(usageEntries.map((entry) => [entry.generationId, entry.amount]));
        expect(usage.size, "one usage entry per generation").toBe(usageEntries.length);
        const unrecorded = served.filter((id) => !records.some((record) => record.id === id));
        const uncharged = served.filter((id) => !usage.has(id));
        expect({ served: served.length, notFoundThroughApi, unrecorded, uncharged }).toEqual({ served: served.length, notFoundThroughApi: [], unrecorded: [], uncharged: [] });
        // Each charge is the recorded cost, exactly once.
        for (const record of records) expect(usage.get(record.id)).toBe(-record.cost);
        const [balance] = await handle.db.select().from(creditBalances).where(eq(creditBalances.accountId, account.accountId));
        expect(balance?.balance).toBe(entries.reduce((sum, entry) => sum + entry.amount, 0n));
      } finally {
        await handle.close();
      }
    },
    300_000,
  );
});
