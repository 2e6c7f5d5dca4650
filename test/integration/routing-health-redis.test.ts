import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { redisUrlForTests, uniqueKeyPrefix } from "../support/redis-for-tests.js";
import { DEAD_BASE_URL, SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { postJson } from "../support/sse.js";
import { startTestGateway } from "../support/test-gateway.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * Endpoint health shared by two gateway instances through Redis (issue 16, part 2): each adds its own counts,
 * so both show the merged figures. Instance A reaches Groq (the simulator), instance B's Groq is unreachable:
 * three successes on A and one failure on B make 75 % uptime on both, which neither could show alone.
 */
const redisUrl = await redisUrlForTests("routing health over Redis");
const MODEL = "meta-llama/llama-3.3-70b-instruct";

let providers: SimulatedProviders;
let first: TestGateway;
let second: TestGateway;
let firstKey: FundedKey;
let secondKey: FundedKey;

describe.skipIf(redisUrl === undefined)("endpoint health across instances", () => {
  beforeAll(async () => {
    providers = await startSimulatedProviders();
    const shared = { REDIS_URL: redisUrl, HEALTH_KEY_PREFIX: uniqueKeyPrefix("health"), HEALTH_SYNC_MS: "50" };
    [first, second] = await Promise.all([
      startTestGateway({ env: { ...providers.env, GROQ_API_KEY: SIMULATOR_KEYS.openai, GROQ_BASE_URL: `${providers.openai.url}/v1` }, config: shared }),
      startTestGateway({ env: { ...providers.env, GROQ_API_KEY: "dead", GROQ_BASE_URL: DEAD_BASE_URL }, config: shared }),
    ]);
    [firstKey, secondKey] = await Promise.all([createFundedKey(first, { usd: "5" }), createFundedKey(second, { usd: "5" })]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await providers?.close();
  });

  async function groqUptime(gateway: TestGateway): Promise<number | null> {
    await gateway.services.health.sync();
    const response = await fetch(`${gateway.url}/api/v1/models/${MODEL}/endpoints`);
    const body = (await response.json()) as { data: { endpoints: Array<{ tag: string; uptime_last_5m: number | null }> } };
    return body.data.endpoints.find((endpoint) => endpoint.tag === "groq")?.uptime_last_5m ?? null;
  }

  it("merges every instance's counts instead of overwriting them, in REST and GraphQL", async () => {
    expect(await groqUptime(first)).toBeNull();
    const body = { model: MODEL, messages: [{ role: "user", content: "hi" }], provider: { only: ["groq"] } };
    for (let index = 0; index < 3; index += 1) expect((await postJson(`${first.url}/api/v1/chat/completions`, body, firstKey.apiKey)).status).toBe(200);
    expect((await postJson(`${second.url}/api/v1/chat/completions`, body, secondKey.apiKey)).status).toBe(502);
    // Each instance pushes its own counts, then reads everyone's.
    await first.services.health.sync();
    await second.services.health.sync();
    expect(await groqUptime(first)).toBe(75);
    expect(await groqUptime(second)).toBe(75);

    const result = await graphqlRequest<{ model: { endpoints: Array<{ provider: { slug: string }; stats: { uptimeLast5m: number | null; latencyLast30m: { p50: number } | null } }> } }>(
      second.url,
      `query ($id: String!) { model(id: $id) { endpoints { provider { slug } stats { uptimeLast5m latencyLast30m { p50 } } } } }`,
      { variables: { id: MODEL } },
    );
    expect(result.errors).toBeUndefined();
    const groq = result.data?.model.endpoints.find((endpoint) => endpoint.provider.slug === "groq");
    expect(groq?.stats.uptimeLast5m).toBe(75);
    // Instance B never reached Groq: the latency it shows was measured by A.
    expect(groq?.stats.latencyLast30m?.p50).toBeGreaterThan(0);
  });
});
