import Anthropic from "@anthropic-ai/sdk";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd } from "../../src/billing/money.js";
import { ledgerEntries } from "../../src/db/schema/index.js";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import { startOpenAISdkHarness } from "../support/openai-sdk-harness.js";
import type { OpenAISdkHarness } from "../support/openai-sdk-harness.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * The official `@anthropic-ai/sdk` pointed at the gateway's `/api/v1/messages` (only baseURL and the key changed),
 * answered by each of the three upstream wire formats, simulated by local servers that speak them.
 */

let harness: OpenAISdkHarness;
let gateway: TestGateway;
let key: FundedKey;
let client: Anthropic;

/** `thinker`: a model of the provider that reasons (OpenAI's chat models refuse reasoning settings). */
const MODELS = [
  { label: "OpenAI upstream", model: "openai/gpt-4o-mini", provider: "OpenAI", thinker: "openai/o4-mini" },
  { label: "Anthropic upstream", model: "anthropic/claude-haiku-4.5", provider: "Anthropic", thinker: "anthropic/claude-haiku-4.5" },
  { label: "Gemini upstream", model: "google/gemini-2.5-flash", provider: "Google AI Studio", thinker: "google/gemini-2.5-flash" },
] as const;

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

beforeAll(async () => {
  harness = await startOpenAISdkHarness();
  ({ gateway, key } = harness);
  client = new Anthropic({ baseURL: `${gateway.url}/api`, apiKey: key.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await harness?.stop();
});

async function chargedFor(generationId: string): Promise<bigint | undefined> {
  await gateway.services.completions.drain();
  const rows = await gateway.services.database.db
    .select({ amount: ledgerEntries.amount, type: ledgerEntries.type })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.generationId, generationId));
  return rows.filter((row) => row.type === "usage").map((row) => -row.amount)[0];
}

type OpenRouterUsage = Anthropic.Usage & { cost: number };

describe.each(MODELS)("$label through the Anthropic SDK", ({ model, provider, thinker }) => {
  it("answers messages.create in Anthropic's Message shape, charging exactly the reported cost and recording it", async () => {
    const message = await client.messages.create({ model, max_tokens: 256, system: "Be brief.", messages: [{ role: "user", content: "Say hello" }] });
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe(model);
    expect((message as unknown as { provider: string }).provider).toBe(provider);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.stop_sequence).toBeNull();
    const [block] = message.content;
    expect(block?.type).toBe("text");
    expect(block?.type === "text" ? block.text : "").toContain("Hello!");
    const usage = message.usage as OpenRouterUsage;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);

    const charged = await chargedFor(message.id);
    expect(charged).toBeGreaterThan(0n);
    expect(usage.cost).toBe(Number(formatUsd(charged ?? 0n)));
    const generation = await gateway.services.generations.find(message.id);
    expect(generation?.apiType).toBe("messages");
    expect(generation?.totalCost).toBe(charged);
    expect(generation?.tokensCompletion).toBe(usage.output_tokens);
  });

  it("streams with messages.stream, the SDK reassembling the same message as the non-streamed one", async () => {
    const params = { model, max_tokens: 256, messages: [{ role: "user" as const, content: "Tell me something [[words:12]]" }] };
    const whole = await client.messages.create(params);
    const stream = client.messages.stream(params);
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    // The SDK keeps Anthropic's usage fields; OpenRouter's cost rides on the raw message_delta event.
    let deltaUsage: OpenRouterUsage | undefined;
    stream.on("streamEvent", (event) => {
      if (event.type === "message_delta") deltaUsage = event.usage as unknown as OpenRouterUsage;
    });
    const final = await stream.finalMessage();
    expect(text).toBe(whole.content[0]?.type === "text" ? whole.content[0].text : undefined);
    expect(final.content).toEqual(whole.content);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(deltaUsage?.cost).toBe((whole.usage as OpenRouterUsage).cost);
    expect(deltaUsage?.cost).toBeGreaterThan(0);
  });

  it("completes a tool round trip: tool_use, then the tool_result answered", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };
    const first = await client.messages.create({ model, max_tokens: 256, messages: [question], tools: [weatherTool] });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
    expect(call?.name).toBe("get_weather");
    expect(call?.input).toEqual({ city: "example" });
    if (call === undefined) throw new Error("expected a tool_use block");

    const second = await client.messages.create({
      model,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [question, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "Sunny, 24C" }] }],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content[0]?.type === "text" ? second.content[0].text : undefined).toBe("The tool said: Sunny, 24C");
  });

  it("streams a tool call that messages.stream reassembles into a tool_use block", async () => {
    const final = await client.messages
      .stream({ model, max_tokens: 256, tools: [weatherTool], tool_choice: { type: "tool", name: "get_weather" }, messages: [{ role: "user", content: "Weather in Rome?" }] })
      .finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    const call = final.content.find((block) => block.type === "tool_use");
    expect(call?.type === "tool_use" ? [call.name, call.input] : undefined).toEqual(["get_weather", { city: "example" }]);
  });

  it("returns thinking, streamed and not, with the budget passed on", async () => {
    const params = { model: thinker, max_tokens: 4096, thinking: { type: "enabled" as const, budget_tokens: 2048 }, messages: [{ role: "user" as const, content: "Think, then say hello" }] };
    const message = await client.messages.create(params);
    const thinking = message.content.find((block) => block.type === "thinking");
    expect(thinking?.type === "thinking" ? thinking.thinking : undefined).toBe("Let me think about this step by step.");
    expect(message.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
    expect(message.content.at(-1)?.type).toBe("text");
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(message.content);
  });

  it("turns an upstream rate limit into the SDK's RateLimitError, with nothing charged", async () => {
    const before = await key.balance();
    const error = await client.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "hi [[error:429]]" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).type).toBe("rate_limit_error");
    expect(await key.balance()).toBe(before);
  });

  it("ends a stream that fails after it began with Anthropic's error event, which the SDK throws", async () => {
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: "user", content: "Tell me [[words:20]] [[fail-after:3]]" }] });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
  });
});

describe("a thinking tool loop on Anthropic keeps the signed thinking block intact", () => {
  it("sends the thinking block back as it came, which the upstream verifies", async () => {
    const model = "anthropic/claude-haiku-4.5";
    const question: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };
    const thinking = { type: "enabled" as const, budget_tokens: 1024 };
    const first = await client.messages.stream({ model, max_tokens: 2048, thinking, tools: [weatherTool], messages: [question] }).finalMessage();
    const block = first.content[0];
    expect(block?.type).toBe("thinking");
    expect(block?.type === "thinking" ? block.signature.length : 0).toBeGreaterThan(0);
    const call = first.content.find((entry): entry is Anthropic.ToolUseBlock => entry.type === "tool_use");
    if (call === undefined) throw new Error("expected a tool_use block");
    const second = await client.messages.create({
      model,
      max_tokens: 2048,
      thinking,
      tools: [weatherTool],
      messages: [question, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "Rain" }] }],
    });
    expect(second.content.at(-1)?.type === "text" ? second.content.at(-1) : undefined).toMatchObject({ text: "The tool said: Rain" });
  });
});

describe("redacted thinking in the conversation", () => {
  it("goes back to Anthropic as the redacted_thinking block it was", async () => {
    const message = await client.messages.create({
      model: "anthropic/claude-haiku-4.5",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "opaque-encrypted-thinking" },
            { type: "tool_use", id: "toolu_01Redacted", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Redacted", content: "Clear" }] },
      ],
    });
    expect(message.content.at(-1)).toMatchObject({ type: "text", text: "The tool said: Clear" });
    const sent = harness.providers.anthropic.requests.at(-1)?.body as { messages: Array<{ content: unknown[] }> };
    expect(sent.messages[1]?.content[0]).toEqual({ type: "redacted_thinking", data: "opaque-encrypted-thinking" });
  });
});

describe("a Gemini 3 tool loop keeps the function call's signature", () => {
  it.each([false, true])("sends the signature back with the call (streamed: %s), which the upstream requires", async (streamed) => {
    const model = "google/gemini-3-pro-preview";
    const question: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };
    const params = { model, max_tokens: 2048, tools: [weatherTool], messages: [question] };
    const first = streamed ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    const callIndex = first.content.findIndex((entry) => entry.type === "tool_use");
    const call = first.content[callIndex];
    if (call?.type !== "tool_use") throw new Error("expected a tool_use block");
    // The call's signature rides in a text-less thinking block right after it.
    const carrier = first.content[callIndex + 1];
    expect(carrier?.type === "thinking" ? [carrier.thinking, carrier.signature.length > 0] : undefined).toEqual(["", true]);
    const second = await client.messages.create({
      ...params,
      messages: [question, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "Fog" }] }],
    });
    expect(second.content.at(-1)).toMatchObject({ type: "text", text: "The tool said: Fog" });
    const sent = JSON.stringify(harness.providers.gemini.requests.at(-1)?.body);
    expect(sent).toContain("thoughtSignature");
  });
});

describe("authentication and errors", () => {
  it("takes the key as Authorization: Bearer too (the SDK's authToken)", async () => {
    const bearer = new Anthropic({ baseURL: `${gateway.url}/api`, authToken: key.apiKey, apiKey: null, maxRetries: 0 });
    const message = await bearer.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0]?.type).toBe("text");
  });

  it("401 as AuthenticationError for a bad key", async () => {
    const anonymous = new Anthropic({ baseURL: `${gateway.url}/api`, apiKey: "sk-not-a-real-key", maxRetries: 0 });
    const error = await anonymous.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe("authentication_error");
  });

  it("400 as BadRequestError for an unknown model and for an invalid field, naming them", async () => {
    const unknown = await client.messages.create({ model: "nobody/no-such-model", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(Anthropic.BadRequestError);
    expect((unknown as Error).message).toContain("nobody/no-such-model");
    const invalid = await client.messages
      .create({ model: "openai/gpt-4o-mini", max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 10 }, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as InstanceType<typeof Anthropic.BadRequestError>).type).toBe("invalid_request_error");
    expect((invalid as Error).message).toContain("thinking.budget_tokens");
  });

  it("402 as the SDK's PaymentRequiredError (billing_error) when the balance cannot cover the request, before any upstream call", async () => {
    const poor = await createFundedKey(gateway, { usd: "0", name: "poor" });
    const poorClient = new Anthropic({ baseURL: `${gateway.url}/api`, apiKey: poor.apiKey, maxRetries: 0 });
    for (const stream of [false, true]) {
      const error = await poorClient.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 64, stream, messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
      expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("billing_error");
    }
  });
});
