import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * A provider that does not answer in time: the upstream timeouts (`UPSTREAM_HEADERS_TIMEOUT_MS`,
 * `UPSTREAM_BODY_TIMEOUT_MS`) end the request with OpenRouter's 408, and nothing is charged. The simulator's
 * `[[delay:N]]` holds a non-streamed answer (and each streamed chunk) back for N ms.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const CHAT = "/api/v1/chat/completions";

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({
    env: providers.env,
    config: { UPSTREAM_HEADERS_TIMEOUT_MS: "300", UPSTREAM_BODY_TIMEOUT_MS: "300", STREAM_KEEPALIVE_MS: "5000" },
  });
  key = await createFundedKey(gateway, { usd: "5" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

interface ErrorEnvelope {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
}

describe("upstream timeouts", () => {
  it("answers 408 in the error envelope when the provider sends no headers in time, and charges nothing", async () => {
    const before = await key.balance();
    const response = await postJson(`${gateway.url}${CHAT}`, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Think slowly [[delay:1500]]" }] }, key.apiKey);
    expect(response.status).toBe(408);
    const body = (await response.json()) as ErrorEnvelope;
    expectOpenRouterResponse(CHAT, "post", 408, body);
    expect(body.error.code).toBe(408);
    expect(body.error.message).toMatch(/time/i);
    expect(await key.balance()).toBe(before);
  });

  it("answers 408 when a stream stays silent before its first chunk, before any byte reached the client", async () => {
    const before = await key.balance();
    const response = await postJson(`${gateway.url}${CHAT}`, { model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Stream slowly [[words:3]] [[delay:1500]]" }] }, key.apiKey);
    expect(response.status).toBe(408);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await response.json()) as ErrorEnvelope;
    expect(body.error.code).toBe(408);
    expect(await key.balance()).toBe(before);
  });

  it("still serves a provider that answers within the timeouts", async () => {
    const response = await postJson(`${gateway.url}${CHAT}`, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Quick [[delay:50]]" }] }, key.apiKey);
    expect(response.status).toBe(200);
  });
});
