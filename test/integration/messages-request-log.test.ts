import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd } from "../../src/billing/money.js";
import type { FundedKey } from "../support/api-keys.js";
import { captureLog } from "../support/log-capture.js";
import { createFundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `/api/v1/messages` notes what it served on the request's one log line, as chat completions do: the key's label,
 * the generation, model, provider, tokens and the exact cost, or the error code; never the key or the prompt.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const log = captureLog();
const PROMPT_MARKER = "messages-prompt-marker-31c9";

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({
    env: providers.env,
    config: { LOG_LEVEL: "info" },
    logDestination: log.destination,
  });
  key = await createFundedKey(gateway, { usd: "5", name: "logged" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

function requestLines(): ReturnType<typeof log.requestLines> {
  return log.requestLines("/api/v1/messages");
}

describe("the request log of /messages", () => {
  it("has one line per request with the generation's facts and exact cost, or the error code, and no secrets", async () => {
    const client = new Anthropic({ baseURL: `${gateway.url}/api`, apiKey: key.apiKey, maxRetries: 0 });
    const message = await client.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 64, messages: [{ role: "user", content: `hi ${PROMPT_MARKER}` }] });
    const streamed = await client.messages.stream({ model: "google/gemini-2.5-flash", max_tokens: 64, messages: [{ role: "user", content: `hi ${PROMPT_MARKER}` }] }).finalMessage();
    await client.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 64, messages: [] }).catch(() => undefined);
    await gateway.services.completions.drain();
    await expect.poll(() => requestLines().length).toBe(3);

    const [plain, stream, refused] = requestLines();
    for (const [line, id] of [
      [plain, message.id],
      [stream, streamed.id],
    ] as const) {
      const generation = await gateway.services.generations.find(id);
      expect(line).toMatchObject({ status: 200, generationId: id, keyLabel: expect.any(String), provider: generation?.providerSlug, cost: formatUsd(generation?.totalCost ?? -1n) });
      expect(line?.tokens?.completion).toBe(generation?.tokensCompletion);
    }
    expect(refused).toMatchObject({ status: 400, errorCode: "invalid_request" });
    const whole = log.text();
    expect(whole).not.toContain(key.apiKey);
    expect(whole).not.toContain(key.keyHash);
    expect(whole).not.toContain(PROMPT_MARKER);
  });
});
