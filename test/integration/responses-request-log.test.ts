import OpenAI from "openai";
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
 * `/api/v1/responses` notes what it served on the request's one log line, as chat completions do: the key's
 * label, the generation, model, provider, tokens and the exact cost, or the error code; never the key or the prompt.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const log = captureLog();
const PROMPT_MARKER = "responses-prompt-marker-7d21";

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
  return log.requestLines("/api/v1/responses");
}

describe("the request log of /responses", () => {
  it("has one line per request with the generation's facts and exact cost, or the error code, and no secrets", async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
    const response = await client.responses.create({ model: "anthropic/claude-haiku-4.5", input: `hi ${PROMPT_MARKER}` });
    const streamed = await client.responses.stream({ model: "google/gemini-2.5-flash", input: `hi ${PROMPT_MARKER}` }).finalResponse();
    await client.responses.create({ model: "openai/gpt-4o-mini", input: `hi ${PROMPT_MARKER}`, previous_response_id: response.id }).catch(() => undefined);
    await gateway.services.completions.drain();
    await expect.poll(() => requestLines().length).toBe(3);

    const [plain, stream, refused] = requestLines();
    for (const [line, id] of [
      [plain, response.id],
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
