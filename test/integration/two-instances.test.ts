import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd, parseUsd } from "../../src/billing/money.js";
import { applyCatalog } from "../../src/catalog/catalog-writer.js";
import { readCatalogFile } from "../../src/catalog/seed.js";
import type { NodeProcess } from "../bench/gateway-process.js";
import { createFundedAccount } from "../bench/gateway-process.js";
import type { AccountEventsSubscriber } from "../support/account-events-subscriber.js";
import { subscribeToAccountEvents } from "../support/account-events-subscriber.js";
import { startGatewayFromSources } from "../support/gateway-process.js";
import { webSocketClient } from "../support/graphql-client.js";
import { redisUrlForTests } from "../support/redis-for-tests.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";

/**
 * Two gateway processes, each on its own port, on one Postgres and one Redis behave as one service (issue 15,
 * part 6): an account event caused on B reaches a subscriber on A; a key deleted through A stops working on B
 * at once (though B's key cache would trust it for 3 s more) and ends its subscriptions on B; a catalog
 * change A notices reaches catalogUpdated on B, which on its own would not look for 10 minutes.
 */
const onPostgres = (process.env.DATABASE_URL ?? "") !== "";
const redisUrl = onPostgres ? await redisUrlForTests("two-instances") : undefined;
if (!onPostgres) console.warn("[two-instances] skipped: needs DATABASE_URL (several processes cannot share one PGlite folder) and a Redis");

const MANAGEMENT_KEY = "mgmt-two-instances-test-key-0123456789";
let providers: SimulatedProviders;
let database: TestDatabase;
let instanceA: NodeProcess;
let instanceB: NodeProcess;
const closers: Array<() => Promise<unknown>> = [];

describe.skipIf(!onPostgres || redisUrl === undefined)("two gateway processes on one Postgres and one Redis", () => {
  beforeAll(async () => {
    providers = await startSimulatedProviders();
    database = await createTestDatabase();
    const tag = `${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    const shared = {
      ...providers.env,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      PUBSUB_CHANNEL_PREFIX: `gw:test:two:${tag}:`,
      RATE_LIMIT_KEY_PREFIX: `gw:test:two-rl:${tag}:`,
      MANAGEMENT_KEY,
      KEY_CACHE_TTL_MS: "3000",
    };
    [instanceA, instanceB] = await Promise.all([
      startGatewayFromSources({ dataDir: "unused", env: { ...shared, CATALOG_POLL_MS: "200" } }),
      startGatewayFromSources({ dataDir: "unused", env: { ...shared, CATALOG_POLL_MS: "600000" } }),
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => {});
    await instanceA?.stop();
    await instanceB?.stop();
    await database?.destroy();
    await providers?.close();
  });

  async function subscribe(url: string, apiKey: string): Promise<AccountEventsSubscriber> {
    const subscriber = await subscribeToAccountEvents(url, apiKey);
    closers.push(() => subscriber.close());
    return subscriber;
  }

  it("a subscriber on A receives the generation and balance events of a completion made on B, with the ledger's figures", async () => {
    const account = await createFundedAccount(database.handle, { usd: "3", name: "across instances" });
    const events = await subscribe(instanceA.url, account.apiKey);
    expect(events.events[0]).toMatchObject({ cause: "SUBSCRIBED", balance: "3" });

    const client = new OpenAI({ baseURL: `${instanceB.url}/api/v1`, apiKey: account.apiKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
    const finished = await events.until((event) => event.__typename === "GenerationFinished");
    const charged = await events.until((event) => event.__typename === "BalanceChanged" && event.cause === "USAGE");

    const generation = (await (await fetch(`${instanceA.url}/api/v1/generation?id=${completion.id}`, { headers: { authorization: `Bearer ${account.apiKey}` } })).json()) as {
      data: { total_cost: number };
    };
    const cost = parseUsd(String(generation.data.total_cost));
    expect(cost).toBeGreaterThan(0n);
    expect(finished).toMatchObject({ generationId: completion.id, model: "openai/gpt-4o-mini", cost: formatUsd(cost), accountId: account.accountId });
    expect(charged).toMatchObject({ accountId: account.accountId, balance: formatUsd(parseUsd("3") - cost) });
  });

  it("a key deleted through A stops opening operations on B at once, and its subscription on B ends", async () => {
    const account = await createFundedAccount(database.handle, { usd: "1", name: "deleted across instances" });
    const onB = new OpenAI({ baseURL: `${instanceB.url}/api/v1`, apiKey: account.apiKey, maxRetries: 0 });
    // B has the key in its cache now, and would trust it for KEY_CACHE_TTL_MS (3 s) without being told.
    await onB.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
    const watching = await subscribe(instanceB.url, account.apiKey);

    const keys = (await (await fetch(`${instanceA.url}/api/v1/keys?workspace_id=${account.accountId}`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } })).json()) as {
      data: Array<{ hash: string; name: string }>;
    };
    const hash = keys.data.find((key) => key.name === "deleted across instances")?.hash;
    expect(hash).toBeDefined();
    const deleted = await fetch(`${instanceA.url}/api/v1/keys/${hash}`, { method: "DELETE", headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
    expect(deleted.status).toBe(200);

    await watching.ended;
    await expect(onB.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] })).rejects.toMatchObject({ status: 401 });
  });

  it("a catalog change that A notices reaches catalogUpdated subscribers on B", async () => {
    const client = webSocketClient(instanceB.url);
    closers.push(() => client.dispose() as Promise<void>);
    const before = (await (await fetch(`${instanceB.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ catalogRevision }" }) })).json()) as {
      data: { catalogRevision: number };
    };
    const received = new Promise<{ revision: number }>((resolve, reject) => {
      client.subscribe<{ catalogUpdated: { revision: number } }>(
        { query: "subscription { catalogUpdated { revision } }" },
        { next: (message) => message.data && resolve(message.data.catalogUpdated), error: reject, complete: () => reject(new Error("completed without an event")) },
      );
    });
    // Operations on one socket are taken in order: once a query sent after the subscription is answered, B has
    // registered the subscription.
    await new Promise<void>((resolve, reject) => {
      client.subscribe({ query: "{ catalogRevision }" }, { next: () => {}, error: reject, complete: resolve });
    });
    const file = readCatalogFile();
    const model = file.models[0];
    const endpoint = model?.endpoints[0];
    if (model === undefined || endpoint === undefined) throw new Error("empty catalog");
    endpoint.pricing.prompt = "0.000321";
    await applyCatalog(database.handle.db, { ...file, models: [model] });
    const event = await received;
    expect(event.revision).toBeGreaterThan(before.data.catalogRevision);
  });
});
