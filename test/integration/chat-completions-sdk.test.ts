import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ledgerEntries } from "../../src/db/schema/index.js";
import { formatUsd } from "../../src/billing/money.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenAISchema, expectOpenRouterSchema } from "../support/contract.js";
import { startOpenAISdkHarness, weatherTool } from "../support/openai-sdk-harness.js";
import type { OpenAISdkHarness } from "../support/openai-sdk-harness.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * The official `openai` SDK, pointed at the gateway (only baseURL and apiKey changed), against each of the three
 * upstream wire formats, simulated by local servers that speak them.
 */

let harness: OpenAISdkHarness;
let gateway: TestGateway;
let key: FundedKey;
let client: OpenAI;

const MODELS = [
  { label: "OpenAI upstream", model: "openai/gpt-4o-mini", provider: "OpenAI" },
  { label: "Anthropic upstream", model: "anthropic/claude-haiku-4.5", provider: "Anthropic" },
  { label: "Gemini upstream", model: "google/gemini-2.5-flash", provider: "Google AI Studio" },
] as const;

beforeAll(async () => {
  harness = await startOpenAISdkHarness();
  ({ gateway, key, client } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

async function ledgerUsageFor(generationId: string): Promise<bigint[]> {
  // Settlements are written just after the answer is sent; wait for those already started.
  await gateway.services.completions.drain();
  const rows = await gateway.services.database.db
    .select({ amount: ledgerEntries.amount, type: ledgerEntries.type })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.generationId, generationId));
  return rows.filter((row) => row.type === "usage").map((row) => -row.amount);
}

describe.each(MODELS)("$label through the openai SDK", ({ model, provider }) => {
  it("answers a non-streaming request with OpenRouter's fields, and charges exactly the reported cost", async () => {
    const completion = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] });
    expect(completion.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/);
    expect(completion.model).toBe(model);
    expect((completion as unknown as { provider: string }).provider).toBe(provider);
    expect(completion.choices[0]?.message.content).toContain("Hello!");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const usage = completion.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.cost).toBeGreaterThan(0);

    const [charged] = await ledgerUsageFor(completion.id);
    expect(charged).toBeDefined();
    expect(usage.cost).toBe(Number(formatUsd(charged ?? 0n)));
    const generation = await gateway.services.generations.find(completion.id);
    expect(generation?.totalCost).toBe(charged);
    expect(generation?.tokensCompletion).toBe(usage.completion_tokens);
  });

  it("streams deltas, then usage with cost in a final chunk with no choices, identical to the non-streamed answer", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Tell me something [[words:12]]" }];
    const whole = await client.chat.completions.create({ model, messages });
    const stream = await client.chat.completions.create({ model, messages, stream: true });
    let text = "";
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
    let finish: string | null | undefined;
    let lastChoices = -1;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
      lastChoices = chunk.choices.length;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe("stop");
    expect(lastChoices).toBe(0);
    expect(usage?.prompt_tokens).toBe(whole.usage?.prompt_tokens);
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    expect(usage?.cost).toBe((whole.usage as unknown as { cost: number }).cost);
  });

  it("completes a tool-call round trip", async () => {
    const first = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [weatherTool],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "example" });

    const second = await client.chat.completions.create({
      model,
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "Sunny, 24C" },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toBe("The tool said: Sunny, 24C");
  });

  it("streams a tool call as OpenAI-style deltas that the SDK reassembles", async () => {
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: "user", content: "Weather in Rome?" }],
      tools: [weatherTool],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : undefined).toBe("get_weather");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: "example" });
  });

  it("returns JSON-schema output", async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "Give me a city and a temperature" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "reading",
          strict: true,
          schema: { type: "object", properties: { city: { type: "string" }, temperature: { type: "number" } }, required: ["city", "temperature"], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ city: "example", temperature: 1 });
  });

  it("turns an upstream rate limit into the SDK's RateLimitError, with nothing charged", async () => {
    const before = await key.balance();
    const error = await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi [[error:429]]" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const body = (error as InstanceType<typeof OpenAI.RateLimitError>).error as { metadata?: { provider_code?: unknown } } | undefined;
    expect(body?.metadata?.provider_code).toBe(429);
    expect(await key.balance()).toBe(before);
  });

  it("validates its JSON body and every SSE chunk against OpenAI's and OpenRouter's schemas", async () => {
    const response = await postJson(`${gateway.url}/api/v1/chat/completions`, { model, messages: [{ role: "user", content: "hello" }] }, key.apiKey);
    expect(response.headers.get("x-generation-id")).toMatch(/^gen-/);
    const body = (await response.json()) as { usage: { cost: number; cost_details: { upstream_inference_prompt_cost: number; upstream_inference_completions_cost: number } } };
    expectOpenAISchema("CreateChatCompletionResponse", body);
    expectOpenRouterSchema("ChatResult", body);
    const split = body.usage.cost_details;
    expect(split.upstream_inference_prompt_cost).toBeGreaterThan(0);
    expect(split.upstream_inference_completions_cost).toBeGreaterThan(0);
    expect(split.upstream_inference_prompt_cost + split.upstream_inference_completions_cost).toBeCloseTo(body.usage.cost, 15);
    const streamed = await readSse(
      await postJson(`${gateway.url}/api/v1/chat/completions`, { model, stream: true, messages: [{ role: "user", content: "hello [[reasoning]]" }], tools: [weatherTool] }, key.apiKey),
    );
    expect(streamed.events.at(-1)).toBe("[DONE]");
    for (const chunk of streamed.chunks) {
      expectOpenAISchema("CreateChatCompletionStreamResponse", chunk);
      expectOpenRouterSchema("ChatStreamChunk", chunk);
    }
  });
});

describe("errors arrive as the SDK's own error classes", () => {
  it("401 without a valid key", async () => {
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: "sk-not-a-real-key", maxRetries: 0 });
    await expect(anonymous.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it("400 for an unknown model, naming it", async () => {
    const error = await client.chat.completions.create({ model: "nobody/no-such-model", messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("nobody/no-such-model is not a valid model ID");
  });

  it("400 for an invalid parameter, naming the field", async () => {
    const error = await client.chat.completions.create({ model: "openai/gpt-4o-mini", temperature: 7, messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("temperature");
  });
});
