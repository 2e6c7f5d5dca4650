import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd, parseUsd } from "../../src/billing/money.js";
import { cipherContext, createKeyCipher } from "../../src/byok/key-cipher.js";
import { byokKeys, generations, ledgerEntries } from "../../src/db/schema/index.js";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import type { RunningSimulator } from "../simulators/shared/simulator-server.js";
import { createFundedKey, TEST_OPERATOR } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Bring your own key over real HTTP: keys stored through REST and GraphQL, the own key sent first (the
 * simulated upstream sees it in its Authorization header) and only to its provider, the fee charged exactly,
 * the key never in a response, a GraphQL result or a log line, a provider's 401 recorded on the key, and
 * one account unable to see or use another's key.
 */

const ENCRYPTION_KEY = "7f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const MANAGEMENT_KEY = "mk-operator-byok-0123456789abcdef0123";
const OWN_KEY = "sk-own-openai-key-5d1c9e0b7a3f42e8b6d4";
const SECOND_OWN_KEY = "sk-own-openai-key-second-93b2e4f1c8a7";
/** openai/gpt-4o: $2.50 per million prompt tokens, $10 per million completion tokens (catalog list prices). */
const MODEL = "openai/gpt-4o";
const PROMPT_PICO = 2_500_000n;
const COMPLETION_PICO = 10_000_000n;

/** Every response body and GraphQL result of the file, searched for the key at the end. */
const bodies: string[] = [];
const logText: string[] = [];

async function call(gateway: TestGateway, path: string, options: { method?: string; apiKey: string; body?: unknown }): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}/api/v1${path}`, {
    method: options.method ?? "GET",
    headers: { authorization: `Bearer ${options.apiKey}`, ...(options.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

async function graphql(gateway: TestGateway, apiKey: string, query: string, variables?: Record<string, unknown>) {
  const result = await graphqlRequest<Record<string, unknown>>(gateway.url, query, { apiKey, ...(variables === undefined ? {} : { variables }) });
  bodies.push(JSON.stringify(result));
  return result;
}

function logCapture(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText.push(chunk.toString("utf8"));
      done();
    },
  });
}

function client(gateway: TestGateway, key: FundedKey): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
}

/** The upstream price of an answer at the catalog's list prices, in pico-dollars. */
function listPrice(usage: { prompt_tokens: number; completion_tokens: number } | undefined): bigint {
  return BigInt(usage?.prompt_tokens ?? 0) * PROMPT_PICO + BigInt(usage?.completion_tokens ?? 0) * COMPLETION_PICO;
}

/** 5% rounded half up to a pico-dollar, computed independently of the gateway's code. */
function fivePercent(amount: bigint): bigint {
  return (amount * 5n + 50n) / 100n;
}

function authorizations(simulator: RunningSimulator): string[] {
  return simulator.requests.map((request) => String(request.headers.authorization));
}

let providers: SimulatedProviders;
/** An OpenAI upstream that accepts any key, so the test sees which one the gateway sent. */
let openUpstream: RunningSimulator;
let gateway: TestGateway;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  openUpstream = await startOpenAISimulator();
  gateway = await startTestGateway({
    env: { ...providers.env, OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${openUpstream.url}/v1` },
    config: { ENCRYPTION_KEY, MANAGEMENT_KEY, LOG_LEVEL: "debug", BYOK_CACHE_MS: "0" },
    logDestination: logCapture(),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await openUpstream?.close();
  await providers?.close();
});

describe("storing an own key", () => {
  it("over REST keeps it encrypted and answers with a masked label only", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    const created = await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY, name: "mine" } });
    expect(created.status).toBe(201);
    expectOpenRouterResponse("/byok", "post", 201, created.body);
    const data = created.body.data as Record<string, unknown>;
    expect(data).toMatchObject({ account_id: owner.accountId, provider: "openai", name: "mine", status: "active", allow_fallback: true, error: null });
    expect(data.label).toMatch(/^sk-own-openai-key-.{3}\.\.\..{3}$/);
    const [row] = await gateway.services.database.db.select().from(byokKeys).where(eq(byokKeys.id, String(data.id)));
    expect(row?.encryptedKey).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(OWN_KEY);

    const replaced = await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: SECOND_OWN_KEY } });
    expect(replaced.status).toBe(200);
    expect((replaced.body.data as Record<string, unknown>).id).toBe(data.id);
    const listed = await call(gateway, "/byok", { apiKey: owner.apiKey });
    expect(listed.body).toMatchObject({ total_count: 1, data: [{ id: data.id, workspace_id: owner.accountId, is_fallback: false, disabled: false }] });
    expectOpenRouterResponse("/byok", "get", 200, listed.body);
    const one = await call(gateway, `/byok/${String(data.id)}`, { apiKey: owner.apiKey });
    expectOpenRouterResponse(`/byok/${String(data.id)}`, "get", 200, one.body);
    const patched = await call(gateway, `/byok/${String(data.id)}`, { method: "PATCH", apiKey: owner.apiKey, body: { name: "renamed", disabled: true } });
    expect(patched.body.data).toMatchObject({ name: "renamed", disabled: true, status: "disabled" });
    expectOpenRouterResponse(`/byok/${String(data.id)}`, "patch", 200, patched.body);
    const deleted = await call(gateway, `/byok/${String(data.id)}`, { method: "DELETE", apiKey: owner.apiKey });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    expectOpenRouterResponse(`/byok/${String(data.id)}`, "delete", 200, deleted.body);
    expect((await call(gateway, "/byok", { apiKey: owner.apiKey })).body.data).toEqual([]);
  });

  it("refuses an unknown provider, a provider that takes no key, and a key with spaces, with a 400 naming the field", async () => {
    const owner = await createFundedKey(gateway, { usd: "0" });
    for (const body of [{ provider: "nope", key: OWN_KEY }, { provider: "ollama", key: OWN_KEY }, { provider: "openai", key: "sk two words" }, { provider: "openai" }]) {
      const refused = await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 400 });
    }
  });

  it("over GraphQL, listed with the masked label only", async () => {
    const owner = await createFundedKey(gateway, { usd: "0" });
    const set = await graphql(gateway, owner.apiKey, `mutation($input: SetByokKeyInput!) { setByokKey(input: $input) { id provider label status allowFallback error { status } } }`, {
      input: { provider: "anthropic", key: OWN_KEY, allowFallback: false },
    });
    expect(set.errors).toBeUndefined();
    expect(set.data?.setByokKey).toMatchObject({ provider: "anthropic", status: "ACTIVE", allowFallback: false, error: null });
    const listed = await graphql(gateway, owner.apiKey, `{ byokKeys { id provider label accountId } }`);
    expect(listed.data?.byokKeys).toEqual([{ id: (set.data?.setByokKey as { id: string }).id, provider: "anthropic", label: expect.stringMatching(/\.\.\./) as unknown, accountId: owner.accountId }]);
  });
});

describe("a request from an account with an own key", () => {
  it("goes to the provider with the own key first, and pays only the fee, exactly, in the ledger and the generation", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
    const before = await owner.balance();
    const seen = openUpstream.requests.length;
    const completion = await client(gateway, owner).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Say hello [[words:40]]" }] });
    bodies.push(JSON.stringify(completion));
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${OWN_KEY}`]);

    const upstream = listPrice(completion.usage);
    expect(upstream).toBeGreaterThan(0n);
    const fee = fivePercent(upstream);
    const usage = completion.usage as unknown as { cost: number; is_byok: boolean; cost_details: { upstream_inference_cost: number } };
    expect(usage.is_byok).toBe(true);
    expect(usage.cost_details.upstream_inference_cost).toBe(Number(upstream) / 1e12);
    expect(usage.cost).toBe(Number(fee) / 1e12);
    expect(before - (await owner.balance())).toBe(fee);

    const entries = await gateway.services.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.generationId, completion.id));
    expect(entries.map((entry) => [entry.amount, entry.metadata?.is_byok, entry.metadata?.upstream_inference_cost_usd])).toEqual([[-fee, true, formatUsd(upstream)]]);
    // Charged through this instance's lease on the balance (CREDIT_LEASE_USD), not a reservation of its own.
    expect(entries[0]?.metadata?.lease_id).toEqual(expect.any(String));
    const [record] = await gateway.services.database.db.select().from(generations).where(eq(generations.id, completion.id));
    expect(record).toMatchObject({ isByok: true, totalCost: fee, upstreamInferenceCost: upstream });
    const generation = await call(gateway, `/generation?id=${completion.id}`, { apiKey: owner.apiKey });
    expect(generation.body.data).toMatchObject({ is_byok: true, upstream_inference_cost: Number(upstream) / 1e12, total_cost: Number(fee) / 1e12 });
    // The upstream price is the key's BYOK spend; only the fee is its credit usage.
    const view = await gateway.services.keys.get(TEST_OPERATOR, owner.keyHash);
    expect(view.spend.byokUsage).toBe(upstream);
    expect(view.spend.usage).toBe(fee);
  });

  it("over GraphQL too, with the upstream price and the fee in the usage", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    await graphql(gateway, owner.apiKey, `mutation { setByokKey(input: { provider: "openai", key: "${OWN_KEY}" }) { id } }`);
    const before = await owner.balance();
    const seen = openUpstream.requests.length;
    const result = await graphql(
      gateway,
      owner.apiKey,
      `mutation { createChatCompletion(input: { model: "${MODEL}", messages: [{ role: "user", content: "Count [[words:25]]" }] }) { usage { promptTokens completionTokens cost isByok upstreamInferenceCost } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${OWN_KEY}`]);
    const usage = (result.data?.createChatCompletion as { usage: { promptTokens: number; completionTokens: number; cost: string; isByok: boolean; upstreamInferenceCost: string } }).usage;
    const upstream = listPrice({ prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens });
    expect(usage).toMatchObject({ isByok: true, upstreamInferenceCost: formatUsd(upstream), cost: formatUsd(fivePercent(upstream)) });
    expect(before - (await owner.balance())).toBe(fivePercent(upstream));
  });

  it("marked is_fallback, waits behind the shared key (OpenRouter's Fallback keys); disabled, is not used", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    const stored = await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY, is_fallback: true } });
    expect(stored.body.data).toMatchObject({ is_fallback: true });
    let seen = openUpstream.requests.length;
    const behind = await client(gateway, owner).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(behind));
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${SIMULATOR_KEYS.openai}`]);
    await call(gateway, `/byok/${String((stored.body.data as { id: string }).id)}`, { method: "PATCH", apiKey: owner.apiKey, body: { is_fallback: false, disabled: true } });
    seen = openUpstream.requests.length;
    await client(gateway, owner).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${SIMULATOR_KEYS.openai}`]);
  });

  it("stored under another ENCRYPTION_KEY, is skipped with a warning and the request served on the shared key", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    const foreignCipher = createKeyCipher(randomBytes(32));
    await gateway.services.database.db.insert(byokKeys).values({
      accountId: owner.accountId,
      providerSlug: "openai",
      encryptedKey: foreignCipher.encrypt(OWN_KEY, cipherContext(owner.accountId, "openai")),
      label: "sk-own...d4",
    });
    const seen = openUpstream.requests.length;
    const completion = await client(gateway, owner).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(completion));
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${SIMULATOR_KEYS.openai}`]);
    expect(logText.join("")).toContain("does not decrypt under ENCRYPTION_KEY");
  });

  it("streams on the own key too, with the same exact fee", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
    const before = await owner.balance();
    const seen = openUpstream.requests.length;
    const stream = await client(gateway, owner).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: "Count [[words:30]]" }] });
    let usage: { prompt_tokens: number; completion_tokens: number; is_byok?: boolean } | undefined;
    for await (const chunk of stream) {
      bodies.push(JSON.stringify(chunk));
      if (chunk.usage) usage = chunk.usage as typeof usage;
    }
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${OWN_KEY}`]);
    expect(usage?.is_byok).toBe(true);
    expect(before - (await owner.balance())).toBe(fivePercent(listPrice(usage)));
  });

  it("is never sent to another provider: an Anthropic model goes out on the shared Anthropic key", async () => {
    const owner = await createFundedKey(gateway, { usd: "1" });
    await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
    const seen = providers.anthropic.requests.length;
    const completion = await client(gateway, owner).chat.completions.create({ model: "anthropic/claude-3.5-haiku", messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(completion));
    const sent = providers.anthropic.requests.slice(seen);
    expect(sent.length).toBe(1);
    expect(sent[0]?.headers["x-api-key"]).toBe(SIMULATOR_KEYS.anthropic);
    expect((completion.usage as unknown as { is_byok: boolean }).is_byok).toBe(false);
  });

  it("counts the upstream price toward the key's limit only with include_byok_in_limit", async () => {
    for (const include of [true, false]) {
      const owner = await createFundedKey(gateway, { usd: "1" });
      await call(gateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
      const limit = parseUsd("0.00002");
      await gateway.services.keys.update(TEST_OPERATOR, owner.keyHash, { spendLimit: limit, includeByokInLimit: include });
      const openai = client(gateway, owner);
      const first = await openai.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: "user", content: "hi" }] });
      bodies.push(JSON.stringify(first));
      await gateway.services.completions.drain();
      const upstream = listPrice(first.usage);
      const view = await gateway.services.keys.get(TEST_OPERATOR, owner.keyHash);
      const left = limit - fivePercent(upstream) - (include ? upstream : 0n);
      // What is left of the limit never reads below zero.
      expect(view.limitRemaining).toBe(left > 0n ? left : 0n);
      expect(view.spend.byokUsage).toBe(upstream);
      expect(upstream).toBeGreaterThan(limit);
      const second = openai.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: "user", content: "hi" }] });
      if (include) await expect(second).rejects.toMatchObject({ status: 402 });
      else bodies.push(JSON.stringify(await second));
    }
  });
});

describe("a provider that refuses the own key (401)", () => {
  let strictGateway: TestGateway;

  beforeAll(async () => {
    // The stock simulated OpenAI accepts only the gateway's shared key: an own key gets OpenAI's 401.
    strictGateway = await startTestGateway({ env: providers.env, config: { ENCRYPTION_KEY, LOG_LEVEL: "debug", BYOK_CACHE_MS: "0" }, logDestination: logCapture() });
  });

  afterAll(async () => {
    await strictGateway?.stop();
  });

  it("is reported on the key (an error state with its time), served by the shared key, and not tried again until the key changes", async () => {
    const owner = await createFundedKey(strictGateway, { usd: "1" });
    const stored = await call(strictGateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
    const id = String((stored.body.data as { id: string }).id);
    const seen = providers.openai.requests.length;
    const openai = client(strictGateway, owner);
    const before = await owner.balance();
    const first = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(first));
    expect(authorizations(providers.openai).slice(seen)).toEqual([`Bearer ${OWN_KEY}`, `Bearer ${SIMULATOR_KEYS.openai}`]);
    expect((first.usage as unknown as { is_byok: boolean }).is_byok).toBe(false);
    // Served on the shared key: the full list price is charged.
    expect(before - (await owner.balance())).toBe(listPrice(first.usage));

    const listed = await call(strictGateway, `/byok/${id}`, { apiKey: owner.apiKey });
    const data = listed.body.data as { status: string; error: { at: string; status: number; message: string } };
    expect(data.status).toBe("rejected");
    expect(data.error.status).toBe(401);
    expect(Date.parse(data.error.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(data.error.message).toContain("refused your own key");
    const gql = await graphql(strictGateway, owner.apiKey, `{ byokKeys { status error { status at message } } }`);
    expect(gql.data?.byokKeys).toEqual([{ status: "REJECTED", error: { status: 401, at: data.error.at, message: data.error.message } }]);

    const again = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(again));
    expect(authorizations(providers.openai).slice(seen + 2)).toEqual([`Bearer ${SIMULATOR_KEYS.openai}`]);

    // Replacing the key clears the rejection, and the new key is tried.
    const patched = await call(strictGateway, `/byok/${id}`, { method: "PATCH", apiKey: owner.apiKey, body: { key: SECOND_OWN_KEY } });
    expect((patched.body.data as { status: string; error: unknown }).error).toBeNull();
    await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(authorizations(providers.openai).slice(seen + 3)).toEqual([`Bearer ${SECOND_OWN_KEY}`, `Bearer ${SIMULATOR_KEYS.openai}`]);
  });

  it("with fallback off, answers the provider's refusal and charges nothing", async () => {
    const owner = await createFundedKey(strictGateway, { usd: "1" });
    await call(strictGateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY, allow_fallback: false } });
    const seen = providers.openai.requests.length;
    const before = await owner.balance();
    const refused = await fetch(`${strictGateway.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi [[leak-key:401]]" }] }),
    });
    const text = await refused.text();
    bodies.push(text);
    expect(refused.status).toBe(502);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 502, message: expect.stringContaining("refused your own key") as unknown } });
    expect(authorizations(providers.openai).slice(seen)).toEqual([`Bearer ${OWN_KEY}`]);
    expect(await owner.balance()).toBe(before);
  });
});

describe("tenant isolation", () => {
  it("account B neither sees, changes nor uses account A's key; an operator manages any account's", async () => {
    const alice = await createFundedKey(gateway, { usd: "1", name: "alice" });
    const bob = await createFundedKey(gateway, { usd: "1", name: "bob" });
    const stored = await call(gateway, "/byok", { method: "POST", apiKey: alice.apiKey, body: { provider: "openai", key: OWN_KEY } });
    const id = String((stored.body.data as { id: string }).id);

    expect((await call(gateway, "/byok", { apiKey: bob.apiKey })).body.data).toEqual([]);
    expect((await call(gateway, `/byok?account_id=${alice.accountId}`, { apiKey: bob.apiKey })).status).toBe(404);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const attempt = await call(gateway, `/byok/${id}`, { method, apiKey: bob.apiKey, ...(method === "PATCH" ? { body: { disabled: true } } : {}) });
      expect(attempt.status).toBe(404);
    }
    const foreign = await call(gateway, "/byok", { method: "POST", apiKey: bob.apiKey, body: { provider: "openai", key: "sk-bob-key-0000000000000000", account_id: alice.accountId } });
    expect(foreign.status).toBe(404);
    const gql = await graphql(gateway, bob.apiKey, `mutation { deleteByokKey(id: "${id}") }`);
    expect(gql.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await graphql(gateway, bob.apiKey, `{ byokKeys { id } }`)).data?.byokKeys).toEqual([]);

    const seen = openUpstream.requests.length;
    const completion = await client(gateway, bob).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    bodies.push(JSON.stringify(completion));
    expect(authorizations(openUpstream).slice(seen)).toEqual([`Bearer ${SIMULATOR_KEYS.openai}`]);

    const operatorList = await call(gateway, `/byok?account_id=${alice.accountId}`, { apiKey: MANAGEMENT_KEY });
    expect((operatorList.body.data as Array<{ id: string }>).map((key) => key.id)).toEqual([id]);
    const forBob = await call(gateway, "/byok", { method: "POST", apiKey: MANAGEMENT_KEY, body: { provider: "openai", key: SECOND_OWN_KEY, account_id: bob.accountId } });
    expect(forBob.status).toBe(201);
    expect((await call(gateway, "/byok", { method: "POST", apiKey: MANAGEMENT_KEY, body: { provider: "openai", key: SECOND_OWN_KEY } })).status).toBe(400);
    const again = openUpstream.requests.length;
    await client(gateway, bob).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(authorizations(openUpstream).slice(again)).toEqual([`Bearer ${SECOND_OWN_KEY}`]);
  });
});

describe("the monthly free allowance, with a configured fee rate and one ledger reservation per request", () => {
  it("charges no fee on upstream spend inside BYOK_FREE_ALLOWANCE_USD and BYOK_FEE_RATE on what goes past it, exactly", async () => {
    const allowanceGateway = await startTestGateway({
      env: { ...providers.env, OPENAI_BASE_URL: `${openUpstream.url}/v1` },
      config: { ENCRYPTION_KEY, BYOK_FREE_ALLOWANCE_USD: "0.0006", BYOK_FEE_RATE: "0.1", CREDIT_LEASE_USD: "0", LOG_LEVEL: "debug", MANAGEMENT_KEY },
      logDestination: logCapture(),
    });
    try {
      const allowance = parseUsd("0.0006");
      /** 10% rounded half up, independently of the gateway's code. */
      const tenPercent = (amount: bigint): bigint => (amount + 5n) / 10n;
      const owner = await createFundedKey(allowanceGateway, { usd: "1" });
      await call(allowanceGateway, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
      const openai = client(allowanceGateway, owner);
      let spent = 0n;
      for (let request = 0; request < 3; request += 1) {
        const before = await owner.balance();
        const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Count [[words:40]]" }] });
        bodies.push(JSON.stringify(completion));
        const upstream = listPrice(completion.usage);
        const covered = allowance - spent > upstream ? upstream : allowance - spent > 0n ? allowance - spent : 0n;
        const fee = tenPercent(upstream - covered);
        if (request === 0) expect(covered).toBe(upstream);
        if (request === 1) expect(covered > 0n && covered < upstream).toBe(true);
        if (request === 2) expect(covered).toBe(0n);
        expect(before - (await owner.balance())).toBe(fee);
        const entries = await allowanceGateway.services.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.generationId, completion.id));
        expect(entries.map((entry) => [entry.amount, entry.metadata?.is_byok, entry.metadata?.upstream_inference_cost_usd])).toEqual(fee === 0n ? [] : [[-fee, true, formatUsd(upstream)]]);
        // One reservation per request (CREDIT_LEASE_USD=0).
        for (const entry of entries) expect(entry.reservationId).toEqual(expect.any(String));
        const [record] = await allowanceGateway.services.database.db.select().from(generations).where(eq(generations.id, completion.id));
        expect(record).toMatchObject({ isByok: true, totalCost: fee, upstreamInferenceCost: upstream });
        spent += upstream;
      }
      expect((await allowanceGateway.services.keys.get(TEST_OPERATOR, owner.keyHash)).spend.byokUsageMonthly).toBe(spent);
      // An operator naming an account that does not exist gets a 404, not a database error.
      const missing = await call(allowanceGateway, "/byok", { method: "POST", apiKey: MANAGEMENT_KEY, body: { provider: "openai", key: OWN_KEY, account_id: "00000000-0000-4000-8000-000000000000" } });
      expect(missing.status).toBe(404);
    } finally {
      await allowanceGateway.stop();
    }
  });
});

describe("without ENCRYPTION_KEY", () => {
  it("refuses to store a key over REST and GraphQL with an error that names it, and serves on shared keys", async () => {
    const plain = await startTestGateway({ env: providers.env, config: { LOG_LEVEL: "debug" }, logDestination: logCapture() });
    try {
      const owner = await createFundedKey(plain, { usd: "1" });
      const refused = await call(plain, "/byok", { method: "POST", apiKey: owner.apiKey, body: { provider: "openai", key: OWN_KEY } });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 400, message: expect.stringContaining("ENCRYPTION_KEY") as unknown, metadata: { env: "ENCRYPTION_KEY" } } });
      const gql = await graphql(plain, owner.apiKey, `mutation { setByokKey(input: { provider: "openai", key: "${OWN_KEY}" }) { id } }`);
      expect(gql.errors?.[0]).toMatchObject({ message: expect.stringContaining("ENCRYPTION_KEY") as unknown, extensions: { code: "BAD_USER_INPUT" } });
      const completion = await client(plain, owner).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
      expect((completion.usage as unknown as { is_byok: boolean }).is_byok).toBe(false);
    } finally {
      await plain.stop();
    }
  });
});

describe("the key itself", () => {
  it("was in no response body, GraphQL result or log line of this file, and reached no other provider", async () => {
    await gateway.services.completions.drain();
    expect(bodies.length).toBeGreaterThan(20);
    expect(logText.join("").length).toBeGreaterThan(1000);
    for (const secret of [OWN_KEY, SECOND_OWN_KEY]) {
      for (const body of bodies) expect(body).not.toContain(secret);
      expect(logText.join("")).not.toContain(secret);
      for (const simulator of [providers.anthropic, providers.gemini]) expect(JSON.stringify(simulator.requests)).not.toContain(secret);
    }
  });
});
