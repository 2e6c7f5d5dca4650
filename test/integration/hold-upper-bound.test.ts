import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Amount } from "../../src/billing/money.js";
import { formatUsd, parseUsd, usdFromJsonNumber } from "../../src/billing/money.js";
import { generations } from "../../src/db/schema/index.js";
import type { GenerationRow } from "../../src/db/schema/index.js";
import { createFundedKey } from "../support/api-keys.js";
import { weatherTool } from "../support/openai-sdk-harness.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { SseTranscript } from "../support/sse.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Holds are upper bounds (issue 14, part 2). An upstream that returns more than the `max_tokens` it was sent
 * (as local servers that ignore it do), or counts the prompt as densely as a tokenizer can, never takes an
 * account past its credit: a stream is cut when its output reaches the hold, a non-streamed overshoot is
 * charged at most the hold, and every overshoot is recorded on the generation for operators.
 *
 * The simulators' directives do the attacking: `[[ignore-max-tokens]]` answers `[[words:N]]` whatever
 * `max_tokens` says, `[[dense]]` reports one prompt token per UTF-8 byte of text and tool definitions, and
 * `[[image-tokens:N]]` that many per image.
 */

/** A 1×1 PNG: the simulators count images, the gateway bounds each one, neither looks inside. */
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/** Text that tokenizes densely: CJK, emoji and symbols, several bytes a character and about a token each. */
const DENSE_TEXT = "漢字仮名交じり文🙂🚀∑∫≈ ﷺ ".repeat(40);
const PRICES = { "openai/gpt-4o-mini": { prompt: parseUsd("0.00000015"), completion: parseUsd("0.0000006") } } as const;

let providers: SimulatedProviders;

beforeAll(async () => {
  providers = await startSimulatedProviders();
});

afterAll(async () => {
  await providers?.close();
});

/** The attack's request: dense text, two images and a tool (not called), one output token allowed. */
function attackBody(words: number, stream: boolean): Record<string, unknown> {
  return {
    model: "openai/gpt-4o-mini",
    stream,
    max_tokens: 1,
    tools: [weatherTool],
    tool_choice: "none",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: `[[ignore-max-tokens]] [[words:${words}]] [[dense]] [[image-tokens:4096]] ${DENSE_TEXT}` },
          { type: "image_url", image_url: { url: PIXEL } },
          { type: "image_url", image_url: { url: PIXEL } },
        ],
      },
    ],
  };
}

const LEASE_CONFIGS = [
  { name: "with credit leases", config: { CREDIT_LEASE_USD: "0.01" } },
  { name: "with one reservation per request (CREDIT_LEASE_USD=0)", config: { CREDIT_LEASE_USD: "0" } },
] as const;

describe.each(LEASE_CONFIGS)("holds are upper bounds, $name", ({ config }) => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: providers.env, config });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  const url = (path: string): string => `${gateway.url}${path}`;

  /** What the gateway holds for `body`, read from the 402 an account without credit gets for it. */
  async function holdFor(body: Record<string, unknown>): Promise<Amount> {
    const broke = await createFundedKey(gateway, { usd: "0" });
    const response = await postJson(url("/api/v1/chat/completions"), { ...body, stream: false }, broke.apiKey);
    expect(response.status).toBe(402);
    const error = ((await response.json()) as { error: { metadata: { requested_usd: string } } }).error;
    return parseUsd(error.metadata.requested_usd);
  }

  async function generationsOf(accountId: string): Promise<GenerationRow[]> {
    await gateway.services.completions.drain();
    await gateway.services.generations.flush();
    return gateway.services.database.db.select().from(generations).where(eq(generations.accountId, accountId));
  }

  /** What `usage` costs at gpt-4o-mini's list prices, before any cap. */
  function listCost(tokens: { prompt: number; completion: number }): Amount {
    const price = PRICES["openai/gpt-4o-mini"];
    return BigInt(tokens.prompt) * price.prompt + BigInt(tokens.completion) * price.completion;
  }

  describe.each([
    { words: 8, label: "8 tokens each, as in the issue" },
    { words: 2000, label: "2,000 tokens each, more than any slack in the hold" },
  ])("the underestimate attack with dense text, images and tools: credit for 50 one-token holds, the upstream answering $label", ({ words }) => {
    const requests = 50;

    it("non-streamed: every answer is charged at most its hold, the balance never goes negative, and each overshoot is recorded", async () => {
      const body = attackBody(words, false);
      const hold = await holdFor(body);
      const credit = hold * BigInt(requests);
      const key = await createFundedKey(gateway, { usd: formatUsd(credit) });
      const responses = await Promise.all(Array.from({ length: requests }, () => postJson(url("/api/v1/chat/completions"), body, key.apiKey)));
      const served: Array<{ id: string; usage: { prompt_tokens: number; completion_tokens: number; cost: number } }> = [];
      for (const response of responses) {
        expect([200, 402]).toContain(response.status);
        if (response.status === 200) served.push((await response.json()) as (typeof served)[number]);
        else await response.body?.cancel();
      }
      // Without leases every hold fits the credit exactly; a lease may strand a remainder, refusing a few.
      if (config.CREDIT_LEASE_USD === "0") expect(served).toHaveLength(requests);
      expect(served.length).toBeGreaterThan(0);

      const balance = await key.balance();
      expect(balance).toBeGreaterThanOrEqual(0n);
      const rows = await generationsOf(key.accountId);
      expect(rows).toHaveLength(served.length);
      let charged = 0n;
      for (const answer of served) {
        // The upstream really overshot: it reports every word although one token was allowed.
        expect(answer.usage.completion_tokens).toBe(words);
        const full = listCost({ prompt: answer.usage.prompt_tokens, completion: answer.usage.completion_tokens });
        const cost = usdFromJsonNumber(answer.usage.cost);
        expect(cost).toBe(full < hold ? full : hold);
        const row = rows.find((candidate) => candidate.id === answer.id);
        expect(row?.totalCost).toBe(cost);
        expect(row?.overshootTokens).toBe(words - 1);
        expect(row?.unchargedCost).toBe(full - cost);
        charged += cost;
      }
      expect(balance).toBe(credit - charged);
      if (words === 2000) expect(rows.every((row) => row.unchargedCost > 0n)).toBe(true);

      // Operators see the overshoot on the generation.
      const first = served[0];
      const generation = await fetch(url(`/api/v1/generation?id=${first?.id ?? ""}`), { headers: { authorization: `Bearer ${key.apiKey}` } });
      const data = ((await generation.json()) as { data: Record<string, unknown> }).data;
      expect(data.overshoot_tokens).toBe(words - 1);
      expect(usdFromJsonNumber(data.uncharged_cost as number)).toBe(rows.find((row) => row.id === first?.id)?.unchargedCost);
    }, 180_000);

    it("streamed: each stream is cut when its output reaches the hold (finish_reason length) and serves only what the credit pays for", async () => {
      const body = attackBody(words, true);
      const hold = await holdFor(body);
      const credit = hold * BigInt(requests);
      const key = await createFundedKey(gateway, { usd: formatUsd(credit) });
      const transcripts = await Promise.all(
        Array.from({ length: requests }, async () => readSse(await postJson(url("/api/v1/chat/completions"), body, key.apiKey))),
      );
      // A refusal is a 402, or (while admission is decided after a stream's headers) a 402 error chunk.
      const refused = (transcript: SseTranscript): boolean =>
        transcript.status === 402 || transcript.chunks.some((chunk) => (chunk.error as { code?: unknown } | undefined)?.code === 402);
      const served = transcripts.filter((transcript) => transcript.status === 200 && !refused(transcript));
      if (config.CREDIT_LEASE_USD === "0") expect(served).toHaveLength(requests);
      expect(served.length).toBeGreaterThan(0);
      for (const transcript of transcripts) expect(transcript.status === 200 || refused(transcript)).toBe(true);

      for (const transcript of served) {
        const choices = transcript.chunks.flatMap((chunk) => (chunk.choices as Array<{ delta?: { content?: string }; finish_reason?: string | null }>) ?? []);
        const text = choices.map((choice) => choice.delta?.content ?? "").join("");
        // One output token allowed: the first word, then the cut.
        expect(text).toBe("word1");
        expect(choices.map((choice) => choice.finish_reason).filter((reason) => reason !== null && reason !== undefined)).toEqual(["length"]);
        const usage = transcript.chunks.at(-1)?.usage as { cost: number };
        expect(usdFromJsonNumber(usage.cost)).toBeLessThanOrEqual(hold);
      }

      const balance = await key.balance();
      expect(balance).toBeGreaterThanOrEqual(0n);
      const rows = await generationsOf(key.accountId);
      expect(rows).toHaveLength(served.length);
      for (const row of rows) {
        expect(row.finishReason).toBe("length");
        expect(row.cancelled).toBe(false);
        expect(row.totalCost).toBeLessThanOrEqual(hold);
        // The withheld word was generated past the allowance: recorded as the overshoot.
        expect(row.overshootTokens).toBeGreaterThanOrEqual(1);
      }
      expect(balance).toBe(credit - rows.reduce((sum, row) => sum + row.totalCost, 0n));
    }, 180_000);
  });

  it("holds what an adapter asks for beyond max_tokens (Anthropic's thinking budget): a thinking stream is neither cut nor left uncharged", async () => {
    const body = { model: "anthropic/claude-haiku-4.5", stream: true, max_tokens: 4, reasoning: { enabled: true }, messages: [{ role: "user", content: "[[words:4]] think first" }] };
    const key = await createFundedKey(gateway, { usd: "1" });
    const transcript = await readSse(await postJson(url("/api/v1/chat/completions"), body, key.apiKey));
    expect(transcript.status).toBe(200);
    const choices = transcript.chunks.flatMap((chunk) => (chunk.choices as Array<{ delta?: { content?: string; reasoning?: string }; finish_reason?: string | null }>) ?? []);
    expect(choices.map((choice) => choice.delta?.reasoning ?? "").join("")).toBe("Let me think about this step by step.");
    expect(choices.map((choice) => choice.delta?.content ?? "").join("")).toBe("word1 word2 word3 word4");
    const usage = transcript.chunks.at(-1)?.usage as { completion_tokens: number };
    // Eight reasoning tokens and four words: past max_tokens, within the max_tokens the adapter sent.
    expect(usage.completion_tokens).toBe(12);
    const [row] = await generationsOf(key.accountId);
    expect(row).toMatchObject({ finishReason: "stop", overshootTokens: 0, unchargedCost: 0n });
  }, 120_000);

  describe.each([
    { model: "openai/gpt-4o-mini", upstream: "OpenAI" },
    { model: "anthropic/claude-haiku-4.5", upstream: "Anthropic" },
    { model: "google/gemini-2.5-flash", upstream: "Gemini" },
  ])("the prompt's bound against the densest count ($upstream format)", ({ model }) => {
    it("holds enough for a prompt counted at a token per byte, with images and tools: charged in full, nothing uncharged, credit for exactly one hold suffices", async () => {
      const body = {
        model,
        max_tokens: 32,
        tools: [weatherTool],
        tool_choice: "none",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: `[[dense]] [[image-tokens:1600]] ${DENSE_TEXT}` },
              { type: "image_url", image_url: { url: PIXEL } },
              { type: "image_url", image_url: { url: PIXEL } },
            ],
          },
        ],
      };
      const hold = await holdFor(body);
      const key = await createFundedKey(gateway, { usd: formatUsd(hold) });
      const response = await postJson(url("/api/v1/chat/completions"), body, key.apiKey);
      expect(response.status).toBe(200);
      const answer = (await response.json()) as { id: string; usage: { prompt_tokens: number; cost: number } };
      // The upstream counted densely: more prompt tokens than the text has bytes (images and tools on top).
      expect(answer.usage.prompt_tokens).toBeGreaterThan(Buffer.byteLength(DENSE_TEXT, "utf8") + 2 * 1600);
      const [row] = (await generationsOf(key.accountId)).filter((candidate) => candidate.id === answer.id);
      expect(row?.overshootTokens).toBe(0);
      expect(row?.unchargedCost).toBe(0n);
      expect(row?.totalCost).toBe(usdFromJsonNumber(answer.usage.cost));
      expect(await key.balance()).toBe(hold - (row?.totalCost ?? 0n));
      expect(await key.balance()).toBeGreaterThanOrEqual(0n);
    }, 120_000);
  });
});
