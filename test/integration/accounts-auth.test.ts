import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../../src/accounts/authenticator.js";
import { generateApiKey, hashApiKey, maskApiKey } from "../../src/accounts/key-material.js";
import { requireApiPrincipal } from "../../src/accounts/require-principal.js";
import type { Principal } from "../../src/auth/principal.js";
import { GatewayError } from "../../src/core/errors.js";
import { apiKeys } from "../../src/db/schema/index.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { manualClock } from "../support/manual-clock.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Authentication: every way a key can be wrong gets a 401 in OpenRouter's envelope with a message saying
 * which; a management key where an API key is needed gets a 403; revocation reaches other instances within
 * the cache time.
 */

const MANAGEMENT_KEY = "mk-operator-test-key-0123456789abcdef";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };

let gateway: TestGateway;
let accountId: string;

async function getKey(apiKey: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gateway.url}/api/v1/key`, {
    headers: { ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }), ...headers },
  });
  return { status: response.status, body: await response.json() };
}

function errorOf(body: unknown): { code: number; message: string; metadata?: Record<string, unknown> } {
  return (body as { error: { code: number; message: string; metadata?: Record<string, unknown> } }).error;
}

async function createApiKey(name: string, extra: { expiresAt?: Date } = {}): Promise<string> {
  const created = await gateway.services.keys.create(OPERATOR, { accountId, name, ...extra });
  return created.plaintext;
}

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY } });
  accountId = (await gateway.services.accounts.create(OPERATOR, { name: "auth tests" })).id;
});

afterAll(async () => {
  await gateway?.stop();
});

describe("key material", () => {
  it("is sk-gw- plus 43 base62 characters (32 random bytes), stored as its SHA-256 hex, shown masked", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sk-gw-[0-9A-Za-z]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(hashApiKey(key)).toBe(createHash("sha256").update(key).digest("hex"));
    expect(maskApiKey(key)).toBe(`sk-gw-${key.slice(6, 9)}...${key.slice(-3)}`);
  });

  it("stores only the hash: the plaintext appears nowhere in the key's row", async () => {
    const plaintext = await createApiKey("stored");
    const [row] = await gateway.services.database.db.select().from(apiKeys).where(eq(apiKeys.hash, hashApiKey(plaintext)));
    expect(row).toBeDefined();
    expect(JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(plaintext.slice(6));
  });
});

describe("REST authentication", () => {
  it("401 without a key, in the envelope", async () => {
    const { status, body } = await getKey(undefined);
    expect(status).toBe(401);
    expect(errorOf(body)).toMatchObject({ code: 401, message: "Missing Authentication header" });
    expectOpenRouterResponse("/api/v1/key", "get", 401, body);
  });

  it("401 for a malformed Authorization header", async () => {
    const { status, body } = await getKey(undefined, { authorization: "Basic abc" });
    expect(status).toBe(401);
    expect(errorOf(body).message).toMatch(/Malformed Authorization header/);
  });

  it("401 for a key that does not exist", async () => {
    const { status, body } = await getKey(generateApiKey());
    expect(status).toBe(401);
    expect(errorOf(body)).toMatchObject({ code: 401, metadata: { reason: "unknown_key" } });
    expect(errorOf(body).message).toMatch(/no such key/);
    expectOpenRouterResponse("/api/v1/key", "get", 401, body);
  });

  it("401 for a disabled key, at once on the instance that disabled it", async () => {
    const plaintext = await createApiKey("to disable");
    expect((await getKey(plaintext)).status).toBe(200);
    const patched = await fetch(`${gateway.url}/api/v1/keys/${hashApiKey(plaintext)}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ disabled: true }),
    });
    expect(patched.status).toBe(200);
    const { status, body } = await getKey(plaintext);
    expect(status).toBe(401);
    expect(errorOf(body)).toMatchObject({ message: "API key is disabled", metadata: { reason: "disabled_key" } });
  });

  it("401 for an expired key", async () => {
    const plaintext = await createApiKey("expiring", { expiresAt: new Date(Date.now() + 60_000) });
    await gateway.services.database.db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.hash, hashApiKey(plaintext)));
    const { status, body } = await getKey(plaintext);
    expect(status).toBe(401);
    expect(errorOf(body).message).toMatch(/^API key expired at /);
    expect(errorOf(body).metadata?.reason).toBe("expired_key");
  });

  it("401 for a deleted key", async () => {
    const plaintext = await createApiKey("to delete");
    expect((await getKey(plaintext)).status).toBe(200);
    const deleted = await fetch(`${gateway.url}/api/v1/keys/${hashApiKey(plaintext)}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${MANAGEMENT_KEY}` },
    });
    expect(await deleted.json()).toEqual({ deleted: true });
    expect((await getKey(plaintext)).status).toBe(401);
  });

  it("403 for an API key on a management endpoint", async () => {
    const plaintext = await createApiKey("not a manager");
    const response = await fetch(`${gateway.url}/api/v1/keys`, { headers: { authorization: `Bearer ${plaintext}` } });
    expect(response.status).toBe(403);
    expect(errorOf(await response.json())).toMatchObject({ code: 403, message: "Only management keys can perform this operation" });
  });

  it("403 for a management key on a model call", async () => {
    const response = await fetch(`${gateway.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    const body = (await response.json()) as unknown;
    expect(response.status).toBe(403);
    expect(errorOf(body)).toMatchObject({ code: 403, metadata: { error_type: "permission_denied" } });
  });

  it("403 for a key of a disabled account (set through GraphQL), at once on that instance, until it is enabled again", async () => {
    const suspended = (await gateway.services.accounts.create(OPERATOR, { name: "to suspend" })).id;
    const { plaintext } = await gateway.services.keys.create(OPERATOR, { accountId: suspended, name: "suspended key" });
    expect((await getKey(plaintext)).status).toBe(200);
    const setDisabled = (disabled: boolean) =>
      graphqlRequest(gateway.url, "mutation($id: ID!, $d: Boolean) { updateAccount(id: $id, input: { disabled: $d }) { id disabled } }", {
        apiKey: MANAGEMENT_KEY,
        variables: { id: suspended, d: disabled },
      });
    // An API key cannot suspend (or re-enable) accounts, its own included.
    const refused = await graphqlRequest(gateway.url, "mutation($id: ID!) { updateAccount(id: $id, input: { disabled: false }) { id } }", {
      apiKey: plaintext,
      variables: { id: suspended },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await setDisabled(true)).data).toEqual({ updateAccount: { id: suspended, disabled: true } });

    const { status, body } = await getKey(plaintext);
    expect(status).toBe(403);
    expect(errorOf(body)).toMatchObject({ code: 403, metadata: { reason: "account_disabled" } });
    expect(errorOf(body).message).toMatch(/account is disabled/);
    const completion = await fetch(`${gateway.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${plaintext}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(completion.status).toBe(403);
    expect(errorOf(await completion.json())).toMatchObject({ code: 403, metadata: { reason: "account_disabled" } });
    const viewer = await graphqlRequest(gateway.url, "{ viewer { id } }", { apiKey: plaintext });
    expect(viewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    expect((await setDisabled(false)).data).toEqual({ updateAccount: { id: suspended, disabled: false } });
    expect((await getKey(plaintext)).status).toBe(200);
  });

  it("requireApiPrincipal: 401 without a principal, 403 for a management principal, the principal otherwise", () => {
    expect(() => requireApiPrincipal(null)).toThrow(expect.objectContaining({ status: 401 }) as GatewayError);
    expect(() => requireApiPrincipal(OPERATOR)).toThrow(expect.objectContaining({ status: 403 }) as GatewayError);
    const api: Principal = { kind: "api", accountId, keyHash: "x" };
    expect(requireApiPrincipal(api)).toBe(api);
  });
});

describe("GraphQL authentication", () => {
  it("401 (UNAUTHENTICATED) for an unknown key", async () => {
    const result = await graphqlRequest(gateway.url, "{ catalogRevision }", { apiKey: generateApiKey() });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("revocation across instances", () => {
  it("another instance's cache forgets a disabled key within its TTL (≤ 3 s), never later", async () => {
    const clock = manualClock(Date.now());
    const otherInstance = createAuthenticator({ db: gateway.services.database.db, clock, cacheTtlMs: 2000 });
    const plaintext = await createApiKey("revoked elsewhere");
    const header = `Bearer ${plaintext}`;
    expect((await otherInstance.authenticate(header))?.accountId).toBe(accountId);
    await gateway.services.keys.update(OPERATOR, hashApiKey(plaintext), { disabled: true });
    clock.advance(1500);
    // Still cached on the other instance: the change has not reached it yet.
    expect((await otherInstance.authenticate(header))?.accountId).toBe(accountId);
    clock.advance(600);
    await expect(otherInstance.authenticate(header)).rejects.toMatchObject({ status: 401, message: "API key is disabled" });
  });

  it("another instance's cache learns of a disabled account within its TTL too", async () => {
    const clock = manualClock(Date.now());
    const otherInstance = createAuthenticator({ db: gateway.services.database.db, clock, cacheTtlMs: 2000 });
    const suspended = (await gateway.services.accounts.create(OPERATOR, { name: "suspended elsewhere" })).id;
    const { plaintext } = await gateway.services.keys.create(OPERATOR, { accountId: suspended, name: "k" });
    const header = `Bearer ${plaintext}`;
    expect((await otherInstance.authenticate(header))?.accountId).toBe(suspended);
    await gateway.services.accounts.update(OPERATOR, suspended, { disabled: true });
    clock.advance(1500);
    expect((await otherInstance.authenticate(header))?.accountId).toBe(suspended);
    clock.advance(600);
    await expect(otherInstance.authenticate(header)).rejects.toMatchObject({ status: 403, metadata: { reason: "account_disabled" } });
  });

  it.skipIf(process.env.DATABASE_URL === undefined || process.env.DATABASE_URL === "")(
    "a key disabled through one gateway stops working on a second gateway on the same Postgres within 5 s",
    async () => {
      const second = await startTestGateway({
        config: { MANAGEMENT_KEY },
        database: { ...gateway.database, handle: await gateway.database.reopen(), destroy: async () => {} },
      });
      try {
        const plaintext = await createApiKey("seen by two instances");
        const ask = async (url: string) =>
          (await fetch(`${url}/api/v1/key`, { headers: { authorization: `Bearer ${plaintext}` } })).status;
        expect(await ask(second.url)).toBe(200); // now cached on the second instance
        const disabledAt = Date.now();
        await fetch(`${gateway.url}/api/v1/keys/${hashApiKey(plaintext)}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ disabled: true }),
        });
        expect(await ask(gateway.url)).toBe(401);
        while ((await ask(second.url)) === 200) {
          expect(Date.now() - disabledAt).toBeLessThan(5000);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(Date.now() - disabledAt).toBeLessThan(5000);
      } finally {
        await second.close();
      }
    },
  );

  it("never caches for longer than 3 s even when configured to", async () => {
    const clock = manualClock(Date.now());
    const instance = createAuthenticator({ db: gateway.services.database.db, clock, cacheTtlMs: 60_000 });
    const plaintext = await createApiKey("capped cache");
    await instance.authenticate(`Bearer ${plaintext}`);
    await gateway.services.keys.delete(OPERATOR, hashApiKey(plaintext));
    clock.advance(3001);
    await expect(instance.authenticate(`Bearer ${plaintext}`)).rejects.toMatchObject({ status: 401 });
  });
});
