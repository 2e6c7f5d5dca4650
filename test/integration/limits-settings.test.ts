import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { GatewayError } from "../../src/core/errors.js";
import { createRateLimitSettingsService } from "../../src/limits/settings/rate-limit-settings-service.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { manualClock } from "../support/manual-clock.js";
import { uniqueKeyPrefix } from "../support/redis-for-tests.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Operator-set rate limits: persisted through the settings service (PGlite or Postgres per DATABASE_URL),
 * cached for the hot path, editable only by management keys over GraphQL, and applied by the gateway's
 * limiter (Redis when REDIS_URL is set).
 */
let gateway: TestGateway;

/** Test principals by bearer token. Authentication itself is the accounts feature's; here only roles matter. */
const PRINCIPALS: Record<string, Principal> = {
  "Bearer test-management": { kind: "management", accountId: null, keyHash: "management-hash" },
  "Bearer test-api": { kind: "api", accountId: "acct-api", keyHash: "api-hash" },
};

beforeAll(async () => {
  gateway = await startTestGateway({ config: { RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix("limits-settings") } });
  gateway.services.authenticate = (authorization) => {
    if (authorization === undefined) return Promise.resolve(null);
    const principal = PRINCIPALS[authorization];
    if (principal === undefined) return Promise.reject(new GatewayError("authentication", "Invalid API key"));
    return Promise.resolve(principal);
  };
});

afterAll(async () => {
  await gateway?.stop();
});

const SET = `mutation Set($input: SetRateLimitsInput!) {
  setRateLimits(input: $input) { scope subjectId requestsPerMinute tokensPerMinute updatedAt }
}`;
const READ = `query Read($scope: RateLimitScope!, $subjectId: String!) {
  rateLimits(scope: $scope, subjectId: $subjectId) { scope subjectId requestsPerMinute tokensPerMinute updatedAt }
}`;

describe("rate-limit settings service", () => {
  it("stores, partially updates and clears limits; unknown subjects read as unlimited", async () => {
    const service = gateway.services.rateLimitSettings;
    expect(await service.get({ scope: "account", subjectId: "acct-none" })).toEqual({
      scope: "account",
      subjectId: "acct-none",
      requestsPerMinute: null,
      tokensPerMinute: null,
      updatedAt: null,
    });
    await service.set({ scope: "account", subjectId: "acct-s", requestsPerMinute: 100, tokensPerMinute: 5000 });
    await service.set({ scope: "account", subjectId: "acct-s", tokensPerMinute: 9000 });
    expect(await service.get({ scope: "account", subjectId: "acct-s" })).toMatchObject({ requestsPerMinute: 100, tokensPerMinute: 9000 });
    await service.set({ scope: "account", subjectId: "acct-s", requestsPerMinute: null });
    const cleared = await service.get({ scope: "account", subjectId: "acct-s" });
    expect(cleared).toMatchObject({ requestsPerMinute: null, tokensPerMinute: 9000 });
    expect(cleared.updatedAt).toBeInstanceOf(Date);
  });

  it("keeps account and key scopes apart and answers batches in the order asked", async () => {
    const service = gateway.services.rateLimitSettings;
    await service.set({ scope: "key", subjectId: "same-id", requestsPerMinute: 1 });
    await service.set({ scope: "account", subjectId: "same-id", requestsPerMinute: 2 });
    const rows = await service.getMany([
      { scope: "account", subjectId: "same-id" },
      { scope: "key", subjectId: "missing" },
      { scope: "key", subjectId: "same-id" },
    ]);
    expect(rows.map((row) => [row.scope, row.subjectId, row.requestsPerMinute])).toEqual([
      ["account", "same-id", 2],
      ["key", "missing", null],
      ["key", "same-id", 1],
    ]);
  });

  it("refuses limits that are not positive integers with a 400", async () => {
    const service = gateway.services.rateLimitSettings;
    for (const bad of [0, -1, 1.5, 2 ** 31]) {
      await expect(service.set({ scope: "key", subjectId: "k-bad", requestsPerMinute: bad })).rejects.toMatchObject({ kind: "invalid_request" });
    }
  });

  it("serves the hot path from a cache that another instance's change reaches within the cache time", async () => {
    const clock = manualClock(Date.now());
    const here = createRateLimitSettingsService({ db: gateway.services.database.db, cacheMs: 5000, clock });
    const elsewhere = createRateLimitSettingsService({ db: gateway.services.database.db, cacheMs: 5000 });
    expect((await here.forRequest("acct-cache", "key-cache")).key.requestsPerMinute).toBeNull();
    await elsewhere.set({ scope: "key", subjectId: "key-cache", requestsPerMinute: 7 });
    clock.advance(4999);
    expect((await here.forRequest("acct-cache", "key-cache")).key.requestsPerMinute).toBeNull();
    clock.advance(1);
    expect((await here.forRequest("acct-cache", "key-cache")).key).toEqual({ requestsPerMinute: 7, tokensPerMinute: null });
    // A change through this instance applies here at once.
    await here.set({ scope: "account", subjectId: "acct-cache", tokensPerMinute: 300 });
    expect((await here.forRequest("acct-cache", "key-cache")).account).toEqual({ requestsPerMinute: null, tokensPerMinute: 300 });
  });
});

describe("GraphQL: setRateLimits and rateLimits", () => {
  it("lets a management key set and read a key's limits, which the gateway's limiter then enforces", async () => {
    const set = await graphqlRequest<{ setRateLimits: Record<string, unknown> }>(gateway.url, SET, {
      apiKey: "test-management",
      variables: { input: { scope: "KEY", subjectId: "hash-gql", requestsPerMinute: 2, tokensPerMinute: 1000 } },
    });
    expect(set.errors).toBeUndefined();
    expect(set.data?.setRateLimits).toMatchObject({ scope: "KEY", subjectId: "hash-gql", requestsPerMinute: 2, tokensPerMinute: 1000 });
    expect(typeof set.data?.setRateLimits.updatedAt).toBe("string");

    const read = await graphqlRequest<{ rateLimits: Record<string, unknown> }>(gateway.url, READ, {
      apiKey: "test-management",
      variables: { scope: "KEY", subjectId: "hash-gql" },
    });
    expect(read.data?.rateLimits).toMatchObject({ requestsPerMinute: 2, tokensPerMinute: 1000 });

    const admit = { accountId: "acct-gql", keyHash: "hash-gql", modelId: "openai/gpt-4o", isFree: false, purchasedTotal: 0n };
    await gateway.services.limits.admit(admit);
    await gateway.services.limits.admit(admit);
    await expect(gateway.services.limits.admit(admit)).rejects.toMatchObject({ kind: "rate_limit_exceeded", message: "Rate limit exceeded: key-requests-per-min." });
  });

  it("keeps omitted fields and clears those sent as null", async () => {
    const input = { scope: "ACCOUNT", subjectId: "acct-gql-2" };
    await graphqlRequest(gateway.url, SET, { apiKey: "test-management", variables: { input: { ...input, requestsPerMinute: 60, tokensPerMinute: 10_000 } } });
    await graphqlRequest(gateway.url, SET, { apiKey: "test-management", variables: { input: { ...input, requestsPerMinute: 30 } } });
    const cleared = await graphqlRequest<{ setRateLimits: Record<string, unknown> }>(gateway.url, SET, {
      apiKey: "test-management",
      variables: { input: { ...input, tokensPerMinute: null } },
    });
    expect(cleared.data?.setRateLimits).toMatchObject({ requestsPerMinute: 30, tokensPerMinute: null });
  });

  it("is closed to API keys (403) and to callers without a key (401)", async () => {
    const variables = { input: { scope: "KEY", subjectId: "api-hash", requestsPerMinute: 1_000_000 } };
    const asApi = await graphqlRequest(gateway.url, SET, { apiKey: "test-api", variables });
    expect(asApi.data).toBeNull();
    expect(asApi.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const readAsApi = await graphqlRequest(gateway.url, READ, { apiKey: "test-api", variables: { scope: "KEY", subjectId: "api-hash" } });
    expect(readAsApi.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await graphqlRequest(gateway.url, SET, { variables });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await gateway.services.rateLimitSettings.get({ scope: "key", subjectId: "api-hash" })).requestsPerMinute).toBeNull();
  });

  it("answers invalid limits with BAD_USER_INPUT", async () => {
    for (const requestsPerMinute of [0, -5]) {
      const result = await graphqlRequest(gateway.url, SET, {
        apiKey: "test-management",
        variables: { input: { scope: "KEY", subjectId: "hash-bad", requestsPerMinute } },
      });
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("wiring", () => {
  it("uses Redis for counters exactly when REDIS_URL is configured", () => {
    const expected = gateway.services.config.REDIS_URL === undefined ? "in-process" : "redis";
    expect(gateway.services.limits.kind).toBe(expected);
  });
});
