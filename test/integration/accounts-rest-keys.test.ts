import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/accounts/key-material.js";
import type { Principal } from "../../src/auth/principal.js";
import { parseUsd } from "../../src/billing/money.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The OpenRouter key and credit endpoints: `/key`, `/credits`, and management `/keys` CRUD, each body checked
 * against OpenRouter's published description.
 */

const MANAGEMENT_KEY = "mk-operator-rest-keys-0123456789abcdef";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };

let gateway: TestGateway;
let accountId: string;

async function call(method: string, path: string, apiKey: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type KeyInfo = Record<string, unknown> & { hash: string; label: string; limit: number | null; disabled: boolean };

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY } });
  accountId = (await gateway.services.accounts.create(OPERATOR, { name: "rest keys" })).id;
});

afterAll(async () => {
  await gateway?.stop();
});

describe("POST /api/v1/keys", () => {
  it("creates a key in the named account and returns its plaintext once, with 201", async () => {
    const { status, body } = await call("POST", "/keys", MANAGEMENT_KEY, {
      name: "Production",
      limit: 25.5,
      limit_reset: "monthly",
      include_byok_in_limit: true,
      workspace_id: accountId,
    });
    expect(status).toBe(201);
    expectOpenRouterResponse("/api/v1/keys", "post", 201, body);
    const key = body.key as string;
    const data = body.data as KeyInfo;
    expect(key).toMatch(/^sk-gw-[0-9A-Za-z]{43}$/);
    expect(data).toMatchObject({
      hash: hashApiKey(key),
      name: "Production",
      label: `sk-gw-${key.slice(6, 9)}...${key.slice(-3)}`,
      disabled: false,
      limit: 25.5,
      limit_remaining: 25.5,
      limit_reset: "monthly",
      include_byok_in_limit: true,
      usage: 0,
      workspace_id: accountId,
    });
    const read = await call("GET", `/keys/${data.hash}`, MANAGEMENT_KEY);
    expect(JSON.stringify(read.body)).not.toContain(key);
    const stored = await gateway.services.keys.get(OPERATOR, data.hash);
    expect(stored.spendLimit).toBe(parseUsd("25.5"));
  });

  it("400 naming the field for a bad body, and for an operator key that names no account", async () => {
    const noName = await call("POST", "/keys", MANAGEMENT_KEY, { workspace_id: accountId });
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ code: 400, metadata: { field: "name" } });
    expectOpenRouterResponse("/api/v1/keys", "post", 400, noName.body);
    const badReset = await call("POST", "/keys", MANAGEMENT_KEY, { name: "x", limit_reset: "hourly", workspace_id: accountId });
    expect(badReset.body.error).toMatchObject({ code: 400, metadata: { field: "limit_reset" } });
    const negative = await call("POST", "/keys", MANAGEMENT_KEY, { name: "x", limit: -1, workspace_id: accountId });
    expect(negative.body.error).toMatchObject({ code: 400, metadata: { field: "limit" } });
    const noAccount = await call("POST", "/keys", MANAGEMENT_KEY, { name: "x" });
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.error).toMatchObject({ metadata: { field: "workspace_id" } });
  });

  it("404 for an account that does not exist", async () => {
    const { status } = await call("POST", "/keys", MANAGEMENT_KEY, { name: "x", workspace_id: "00000000-0000-4000-8000-000000000000" });
    expect(status).toBe(404);
  });
});

describe("GET, PATCH and DELETE /api/v1/keys/{hash}, GET /api/v1/keys", () => {
  it("reads, changes, lists (hiding disabled keys unless asked) and deletes", async () => {
    const created = await call("POST", "/keys", MANAGEMENT_KEY, { name: "Lifecycle", workspace_id: accountId });
    const hash = (created.body.data as KeyInfo).hash;

    const read = await call("GET", `/keys/${hash}`, MANAGEMENT_KEY);
    expect(read.status).toBe(200);
    expectOpenRouterResponse(`/api/v1/keys/${hash}`, "get", 200, read.body);

    const patched = await call("PATCH", `/keys/${hash}`, MANAGEMENT_KEY, { name: "Renamed", limit: 3, limit_reset: "daily", disabled: true });
    expect(patched.status).toBe(200);
    expectOpenRouterResponse(`/api/v1/keys/${hash}`, "patch", 200, patched.body);
    expect(patched.body.data).toMatchObject({ name: "Renamed", limit: 3, limit_reset: "daily", disabled: true, limit_remaining: 3 });

    const listed = await call("GET", "/keys", MANAGEMENT_KEY);
    expectOpenRouterResponse("/api/v1/keys", "get", 200, listed.body);
    expect((listed.body.data as KeyInfo[]).map((key) => key.hash)).not.toContain(hash);
    const withDisabled = await call("GET", `/keys?include_disabled=true&workspace_id=${accountId}`, MANAGEMENT_KEY);
    expect((withDisabled.body.data as KeyInfo[]).map((key) => key.hash)).toContain(hash);

    const deleted = await call("DELETE", `/keys/${hash}`, MANAGEMENT_KEY);
    expect(deleted).toEqual({ status: 200, body: { deleted: true } });
    expectOpenRouterResponse(`/api/v1/keys/${hash}`, "delete", 200, deleted.body);
    const gone = await call("GET", `/keys/${hash}`, MANAGEMENT_KEY);
    expect(gone.status).toBe(404);
    expectOpenRouterResponse(`/api/v1/keys/${hash}`, "get", 404, gone.body);
    expect((await call("DELETE", `/keys/${hash}`, MANAGEMENT_KEY)).status).toBe(404);
  });

  it("pages by 100 with offset", async () => {
    const account = await gateway.services.accounts.create(OPERATOR, { name: "many keys" });
    for (let index = 0; index < 105; index += 1) await gateway.services.keys.create(OPERATOR, { accountId: account.id, name: `k${index}` });
    const first = await call("GET", `/keys?workspace_id=${account.id}`, MANAGEMENT_KEY);
    const second = await call("GET", `/keys?workspace_id=${account.id}&offset=100`, MANAGEMENT_KEY);
    expect((first.body.data as KeyInfo[]).length).toBe(100);
    expect((second.body.data as KeyInfo[]).length).toBe(5);
  });

  it("404 for a malformed hash", async () => {
    expect((await call("GET", "/keys/not-a-hash", MANAGEMENT_KEY)).status).toBe(404);
  });
});

describe("GET /api/v1/key and GET /api/v1/credits", () => {
  it("describe the calling API key and its account, and follow purchases and grants", async () => {
    const account = await gateway.services.accounts.create(OPERATOR, { name: "key info" });
    const created = await gateway.services.keys.create(OPERATOR, {
      accountId: account.id,
      name: "Mine",
      spendLimit: parseUsd("10"),
      limitReset: "weekly",
      expiresAt: new Date("2099-01-01T00:00:00Z"),
    });
    const before = await call("GET", "/key", created.plaintext);
    expect(before.status).toBe(200);
    expectOpenRouterResponse("/api/v1/key", "get", 200, before.body);
    expect(before.body.data).toMatchObject({
      label: created.key.label,
      limit: 10,
      limit_remaining: 10,
      limit_reset: "weekly",
      usage: 0,
      usage_daily: 0,
      is_free_tier: true,
      is_management_key: false,
      expires_at: "2099-01-01T00:00:00.000Z",
      rate_limit: { requests: -1 },
    });

    const unlimited = await gateway.services.keys.create(OPERATOR, { accountId: account.id, name: "Buyer" });
    await gateway.services.credits.purchase({ kind: "api", accountId: account.id, keyHash: unlimited.key.hash }, { credits: parseUsd("20") });
    await gateway.services.credits.grant(OPERATOR, { accountId: account.id, credits: parseUsd("5") });
    const after = await call("GET", "/key", created.plaintext);
    expect(after.body.data).toMatchObject({ is_free_tier: false });

    const credits = await call("GET", "/credits", created.plaintext);
    expect(credits.status).toBe(200);
    expectOpenRouterResponse("/api/v1/credits", "get", 200, credits.body);
    expect(credits.body).toEqual({ data: { total_credits: 25, total_usage: 0 } });
    const asOperator = await call("GET", `/credits?workspace_id=${account.id}`, MANAGEMENT_KEY);
    expect(asOperator.body).toEqual({ data: { total_credits: 25, total_usage: 0 } });
  });

  it("describe the MANAGEMENT_KEY itself as a management key without limits", async () => {
    const { status, body } = await call("GET", "/key", MANAGEMENT_KEY);
    expect(status).toBe(200);
    expectOpenRouterResponse("/api/v1/key", "get", 200, body);
    expect(body.data).toMatchObject({ is_management_key: true, limit: null, usage: 0 });
  });
});
