import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd } from "../../src/billing/money.js";
import { ledgerEntries } from "../../src/db/schema/index.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenAISchema, expectOpenRouterResponse } from "../support/contract.js";
import { startOpenAISdkHarness } from "../support/openai-sdk-harness.js";
import type { OpenAISdkHarness } from "../support/openai-sdk-harness.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * The official `openai` SDK's Responses API (`responses.create`, streamed and not, and `responses.stream`)
 * pointed at the gateway's `/api/v1/responses` (only baseURL and the key changed), answered by each of the three
 * upstream wire formats, simulated by local servers that speak them. Bodies and events are checked against
 * OpenAI's and OpenRouter's published descriptions.
 */

let harness: OpenAISdkHarness;
let gateway: TestGateway;
let key: FundedKey;
let client: OpenAI;

/** `thinker`: a model of the provider that reasons (OpenAI's chat models refuse reasoning settings). */
const MODELS = [
  { label: "OpenAI upstream", model: "openai/gpt-4o-mini", thinker: "openai/o4-mini" },
  { label: "Anthropic upstream", model: "anthropic/claude-haiku-4.5", thinker: "anthropic/claude-haiku-4.5" },
  { label: "Gemini upstream", model: "google/gemini-2.5-flash", thinker: "google/gemini-2.5-flash" },
] as const;

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

beforeAll(async () => {
  harness = await startOpenAISdkHarness();
  ({ gateway, key, client } = harness);
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

type OpenRouterUsage = OpenAI.Responses.ResponseUsage & { cost: number; is_byok: boolean };

/**
 * OpenAI's schema for each event this face sends (its `ResponseStreamEvent` is a union of them; checking the one
 * the type names gives a precise report instead of one failure per union branch).
 */
const OPENAI_EVENT_SCHEMAS: Record<string, string> = {
  "response.created": "ResponseCreatedEvent",
  "response.in_progress": "ResponseInProgressEvent",
  "response.output_item.added": "ResponseOutputItemAddedEvent",
  "response.output_item.done": "ResponseOutputItemDoneEvent",
  "response.content_part.added": "ResponseContentPartAddedEvent",
  "response.content_part.done": "ResponseContentPartDoneEvent",
  "response.output_text.delta": "ResponseTextDeltaEvent",
  "response.output_text.done": "ResponseTextDoneEvent",
  "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
  "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
  "response.reasoning_summary_part.added": "ResponseReasoningSummaryPartAddedEvent",
  "response.reasoning_summary_part.done": "ResponseReasoningSummaryPartDoneEvent",
  "response.reasoning_summary_text.delta": "ResponseReasoningSummaryTextDeltaEvent",
  "response.reasoning_summary_text.done": "ResponseReasoningSummaryTextDoneEvent",
  "response.completed": "ResponseCompletedEvent",
  "response.incomplete": "ResponseIncompleteEvent",
  "response.failed": "ResponseFailedEvent",
  error: "ResponseErrorEvent",
};

/** Every event's contract check: OpenAI's schema of its type and OpenRouter's streaming `/responses` schema. */
function expectValidEvent(event: { type: string }): void {
  const schema = OPENAI_EVENT_SCHEMAS[event.type];
  if (schema === undefined) throw new Error(`unexpected event type ${event.type}`);
  expectOpenAISchema(schema, event);
  expectOpenRouterResponse("/api/v1/responses", "post", 200, event, { contentType: "text/event-stream" });
}

function expectValidResponse(body: unknown): void {
  expectOpenAISchema("Response", body);
  expectOpenRouterResponse("/api/v1/responses", "post", 200, body);
}

describe.each(MODELS)("$label through responses.create", ({ model, thinker }) => {
  it("answers text in a Response, charging exactly the reported cost and recording api_type responses", async () => {
    const response = await client.responses.create({ model, instructions: "Be brief.", input: "Say hello" });
    expectValidResponse(response);
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.model).toBe(model);
    expect(response.instructions).toBe("Be brief.");
    expect(response.output_text).toContain("Hello!");
    const [item] = response.output;
    expect(item?.type).toBe("message");
    const usage = response.usage as OpenRouterUsage;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);

    const charged = await chargedFor(response.id);
    expect(charged).toBeGreaterThan(0n);
    expect(usage.cost).toBe(Number(formatUsd(charged ?? 0n)));
    const generation = await gateway.services.generations.find(response.id);
    expect(generation?.apiType).toBe("responses");
    expect(generation?.totalCost).toBe(charged);
    expect(generation?.tokensCompletion).toBe(usage.output_tokens);
  });

  it("reports the same usage and cost as chat completions for the same answer", async () => {
    const prompt = "Tell me something [[words:9]]";
    const response = await client.responses.create({ model, input: prompt });
    const completion = await client.chat.completions.create({ model, messages: [{ role: "user", content: prompt }] });
    expect(response.output_text).toBe(completion.choices[0]?.message.content);
    const usage = response.usage as OpenRouterUsage;
    const chatUsage = completion.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.input_tokens).toBe(chatUsage.prompt_tokens);
    expect(usage.output_tokens).toBe(chatUsage.completion_tokens);
    expect(usage.cost).toBe(chatUsage.cost);
    expect(usage.cost).toBeGreaterThan(0);
  });

  it("streams with stream: true, the typed events in order and with sequence numbers, ending in the same response", async () => {
    const params = { model, input: "Tell me something [[words:12]]" };
    const whole = await client.responses.create(params);
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of await client.responses.create({ ...params, stream: true })) {
      expectValidEvent(event);
      events.push(event);
    }
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type).filter((type, index, all) => type !== all[index - 1]);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const text = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : [])).join("");
    expect(text).toBe(whole.output_text);
    const completed = events.at(-1);
    if (completed?.type !== "response.completed") throw new Error("expected response.completed last");
    expect(completed.response.id).toBe(events[0]?.type === "response.created" ? events[0].response.id : undefined);
    expect(completed.response.usage?.output_tokens).toBe(whole.usage?.output_tokens);
    expect((completed.response.usage as OpenRouterUsage).cost).toBe((whole.usage as OpenRouterUsage).cost);
  });

  it("streams with responses.stream, the SDK reassembling the same output text", async () => {
    const params = { model, input: "Tell me something [[words:7]]" };
    const whole = await client.responses.create(params);
    let text = "";
    const stream = client.responses.stream(params);
    stream.on("response.output_text.delta", (event) => {
      text += event.delta;
    });
    const final = await stream.finalResponse();
    expect(text).toBe(whole.output_text);
    expect(final.output_text).toBe(whole.output_text);
    expect(final.status).toBe("completed");
  });

  it("completes a function-call round trip: function_call, then the function_call_output answered", async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: "What is the weather in Paris?" }];
    const first = await client.responses.create({ model, input, tools: [weatherTool] });
    expectValidResponse(first);
    const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === "function_call");
    expect(call?.name).toBe("get_weather");
    expect(JSON.parse(call?.arguments ?? "")).toEqual({ city: "example" });
    if (call === undefined) throw new Error("expected a function_call item");

    const second = await client.responses.create({
      model,
      tools: [weatherTool],
      input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: call.call_id, output: "Sunny, 24C" }],
    });
    expect(second.output_text).toBe("The tool said: Sunny, 24C");
  });

  it("streams a function call: arguments deltas and done, reassembled by responses.stream", async () => {
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    const stream = client.responses.stream({ model, tools: [weatherTool], tool_choice: { type: "function", name: "get_weather" }, input: "Weather in Rome?" });
    stream.on("event", (event) => {
      expectValidEvent(event);
      events.push(event);
    });
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === "function_call");
    expect(call?.type === "function_call" ? [call.name, JSON.parse(call.arguments)] : undefined).toEqual(["get_weather", { city: "example" }]);
    const deltas = events.flatMap((event) => (event.type === "response.function_call_arguments.delta" ? [event.delta] : [])).join("");
    const done = events.find((event) => event.type === "response.function_call_arguments.done");
    expect(done?.type === "response.function_call_arguments.done" ? done.arguments : undefined).toBe(deltas);
  });

  it("returns json_schema output from text.format", async () => {
    const response = await client.responses.create({
      model,
      input: "Give me a city and a temperature",
      text: {
        format: {
          type: "json_schema",
          name: "reading",
          strict: true,
          schema: { type: "object", properties: { city: { type: "string" }, temperature: { type: "number" } }, required: ["city", "temperature"], additionalProperties: false },
        },
      },
    });
    expectValidResponse(response);
    expect(JSON.parse(response.output_text)).toEqual({ city: "example", temperature: 1 });
    expect(response.text?.format?.type).toBe("json_schema");
  });

  it("returns reasoning as a summary, streamed and not", async () => {
    const params = { model: thinker, max_output_tokens: 4096, reasoning: { effort: "medium" as const, summary: "auto" as const }, input: "Think, then say hello" };
    const response = await client.responses.create(params);
    expectValidResponse(response);
    const reasoning = response.output.find((item): item is OpenAI.Responses.ResponseReasoningItem => item.type === "reasoning");
    expect(reasoning?.summary.map((part) => part.text).join("")).toBe("Let me think about this step by step.");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(response.output.at(-1)?.type).toBe("message");

    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of await client.responses.create({ ...params, stream: true })) {
      expectValidEvent(event);
      events.push(event);
    }
    const summary = events.flatMap((event) => (event.type === "response.reasoning_summary_text.delta" ? [event.delta] : [])).join("");
    expect(summary).toBe("Let me think about this step by step.");
    const completed = events.at(-1);
    expect(completed?.type === "response.completed" ? completed.response.output.map((item) => item.type) : undefined).toEqual(response.output.map((item) => item.type));
  });
});

describe("stateless, bad input and upstream failures", () => {
  const model = "openai/gpt-4o-mini";

  it("refuses previous_response_id and store: true with a 400 that says to resend the history", async () => {
    for (const extra of [{ previous_response_id: "resp_123" }, { store: true }]) {
      const error = await client.responses.create({ model, input: "hi", ...extra }).catch((caught: unknown) => caught);
      expect((error as { status?: number }).status).toBe(400);
      expect(String((error as Error).message)).toMatch(/stateless/);
    }
    const accepted = await client.responses.create({ model, input: "hi", store: false });
    expect(accepted.status).toBe("completed");
  });

  it("raises the SDK's own error classes: a refused key, an upstream rate limit, a bad request", async () => {
    const stranger = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: "sk-or-v1-not-a-key", maxRetries: 0 });
    await expect(stranger.responses.create({ model, input: "hi" })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.responses.create({ model, input: "hi [[error:429]]" })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.responses.create({ model, input: "hi", temperature: 9 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("answers an upstream rate limit before the first byte with a 429 envelope and charges nothing", async () => {
    const before = await key.balance();
    const response = await postJson(`${gateway.url}/api/v1/responses`, { model, input: "hi [[error:429]]", stream: true }, key.apiKey);
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(429);
    expect(await key.balance()).toBe(before);
  });

  it("sends X-Generation-Id on streamed responses, equal to the response id", async () => {
    const response = await postJson(`${gateway.url}/api/v1/responses`, { model, input: "hello", stream: true }, key.apiKey);
    const id = response.headers.get("x-generation-id");
    expect(id).toMatch(/^gen-/);
    const transcript = await readSse(response);
    const created = transcript.chunks[0] as { type: string; response: { id: string } };
    expect(created.type).toBe("response.created");
    expect(created.response.id).toBe(id);
  });
});
