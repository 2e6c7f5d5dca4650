import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Admission (limits, then the hold) is decided before a stream commits its headers: under concurrency, with a
 * keep-alive interval far shorter than admission takes on a busy machine, every streaming request is either a
 * 200 with a normal stream or a 402/429 JSON envelope, never a 200 whose stream carries the refusal.
 */

const CHAT = "/api/v1/chat/completions";
const FREE_PER_MINUTE = 5;

let providers: SimulatedProviders;
let gateway: TestGateway;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({
    env: providers.env,
    // The shortest keep-alive the configuration allows: before the fix, any admission slower than 10 ms committed a 200.
    config: { STREAM_KEEPALIVE_MS: "10", FREE_MODEL_REQUESTS_PER_MINUTE: String(FREE_PER_MINUTE) },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

type Outcome = { status: 200; text: string } | { status: 402 | 429; code: number };

/** One streaming request, classified; anything but a clean stream or a clean refusal fails the test. */
async function streamOnce(apiKey: string, body: Record<string, unknown>): Promise<Outcome> {
  const response = await postJson(`${gateway.url}${CHAT}`, { ...body, stream: true }, apiKey);
  if (response.status === 200) {
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const transcript = await readSse(response);
    // A normal stream: no error object anywhere, a finish reason, and [DONE] at the end.
    expect(transcript.chunks.filter((chunk) => "error" in chunk)).toEqual([]);
    const finishes = transcript.chunks.flatMap((chunk) => (chunk.choices as Array<{ finish_reason: string | null }> | undefined) ?? []).map((choice) => choice.finish_reason);
    expect(finishes).toContain("stop");
    expect(finishes).not.toContain("error");
    expect(transcript.events.at(-1)).toBe("[DONE]");
    const text = transcript.chunks
      .flatMap((chunk) => (chunk.choices as Array<{ delta?: { content?: string } }> | undefined) ?? [])
      .map((choice) => choice.delta?.content ?? "")
      .join("");
    return { status: 200, text };
  }
  expect([402, 429]).toContain(response.status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const envelope = (await response.json()) as { error: { code: number; message: string } };
  expect(envelope.error.code).toBe(response.status);
  expect(envelope.error.message.length).toBeGreaterThan(0);
  return { status: response.status as 402 | 429, code: envelope.error.code };
}

describe("streaming admission under concurrency", () => {
  it("answers every request with a clean stream or a 402 envelope when the account can afford only some", { timeout: 120_000 }, async () => {
    // Each request holds its max_tokens at gpt-4o-mini's output price ($0.60/M): about $0.0006; $0.003 funds a handful at a time.
    const key: FundedKey = await createFundedKey(gateway, { usd: "0.003" });
    const before = await key.balance();
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        streamOnce(key.apiKey, { model: "openai/gpt-4o-mini", max_tokens: 1000, messages: [{ role: "user", content: "hold on [[delay:150]] [[words:3]]" }] }),
      ),
    );
    const served = outcomes.filter((outcome) => outcome.status === 200);
    const refused = outcomes.filter((outcome) => outcome.status === 402);
    expect(served.length + refused.length).toBe(outcomes.length);
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of served) expect(outcome.text).toBe("word1 word2 word3");
    // Nothing lost, nothing overdrawn: the account paid for the served streams only.
    const after = await key.balance();
    expect(after).toBeGreaterThanOrEqual(0n);
    expect(after).toBeLessThan(before);
  });

  it("answers every request with a clean stream or a 429 envelope past the free-model rate limit", { timeout: 120_000 }, async () => {
    const key = await createFundedKey(gateway, { usd: "1" });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => streamOnce(key.apiKey, { model: "google/gemma-3-27b-it:free", messages: [{ role: "user", content: "free [[delay:150]] [[words:3]]" }] })),
    );
    const served = outcomes.filter((outcome) => outcome.status === 200);
    const limited = outcomes.filter((outcome) => outcome.status === 429);
    expect(served.length).toBe(FREE_PER_MINUTE);
    expect(limited.length).toBe(outcomes.length - FREE_PER_MINUTE);
  });
});
