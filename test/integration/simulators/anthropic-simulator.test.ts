import Anthropic, { APIError, AuthenticationError, BadRequestError, OverloadedError, RateLimitError } from "@anthropic-ai/sdk";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError, type CallOptions, type GeneratedContent, type LanguageModel, type Prompt, type StreamPart } from "../../../src/core/index.js";
import { createAnthropicMessagesModel } from "../../../src/providers/anthropic/anthropic-messages-model.js";
import type { RunningSimulator } from "../../simulators/shared/simulator-server.js";
import { startAnthropicSimulator } from "../../simulators/anthropic/anthropic-simulator.js";
import { collectParts, contentOf } from "../../support/stream-parts.js";

const API_KEY = "sk-ant-simulated";
const MODEL = "claude-sim-4";
const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

let simulator: RunningSimulator;
let client: Anthropic;
let dispatcher: Agent;

beforeAll(async () => {
  simulator = await startAnthropicSimulator({ apiKey: API_KEY });
  // The SDK appends `/v1/messages` to baseURL, so the simulator's root URL is the base.
  client = new Anthropic({ apiKey: API_KEY, baseURL: simulator.url, maxRetries: 0 });
  dispatcher = new Agent();
});

afterAll(async () => {
  await simulator.close();
  await dispatcher.close();
});

describe("the Anthropic simulator, read by @anthropic-ai/sdk", () => {
  it("answers a plain message with text, end_turn and Anthropic usage", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi there" }],
    });
    expect(message.type).toBe("message");
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe(MODEL);
    expect(message.content).toEqual([
      { type: "text", text: `Hello! This is the simulated Anthropic model ${MODEL}.`, citations: null },
    ]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(8);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    const recorded = simulator.requests.at(-1);
    expect(recorded?.path).toBe("/v1/messages");
    expect(recorded?.headers["anthropic-version"]).toBeDefined();
  });

  it("reports cache reads and writes apart from input_tokens", async () => {
    const plain = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "[[echo]] count me" }] });
    const cached = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: "user", content: "[[echo]] count me [[cached:3]] [[cache-write:2]]" }],
    });
    expect(cached.usage.cache_read_input_tokens).toBe(3);
    expect(cached.usage.cache_creation_input_tokens).toBe(2);
    // The two prompts differ in length, so compare each against its own total.
    const total = cached.usage.input_tokens + 3 + 2;
    expect(total).toBeGreaterThan(plain.usage.input_tokens);
  });

  it("streams the same answer, event by event, and finalMessage() reassembles it", async () => {
    const request = { model: MODEL, max_tokens: 100, messages: [{ role: "user" as const, content: "Hi there" }] };
    const whole = await client.messages.create(request);
    const stream = client.messages.stream(request);
    const eventTypes: string[] = [];
    const texts: string[] = [];
    stream.on("streamEvent", (event) => eventTypes.push(event.type));
    stream.on("text", (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(whole.content);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(texts.join("")).toBe(`Hello! This is the simulated Anthropic model ${MODEL}.`);
    expect(eventTypes[0]).toBe("message_start");
    expect(eventTypes[1]).toBe("content_block_start");
    expect(eventTypes.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  });

  it("calls a tool and answers its result on the next turn", async () => {
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      tools: [weatherTool],
      tool_choice: { type: "auto" },
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content[0];
    if (call?.type !== "tool_use") throw new Error("expected a tool_use block");
    expect(call.id).toMatch(/^toolu_/);
    expect(call.name).toBe("get_weather");
    expect(call.input).toEqual({ city: "example" });

    const streamed = await client.messages
      .stream({ model: MODEL, max_tokens: 100, tools: [weatherTool], messages: [{ role: "user", content: "Weather in Paris?" }] })
      .finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "example" } });

    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "18°C, cloudy" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: "The tool said: 18°C, cloudy", citations: null }]);
  });

  it("rejects a tool_use without its tool_result, as the real API does", async () => {
    const error = await client.messages
      .create({
        model: MODEL,
        max_tokens: 100,
        tools: [weatherTool],
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
          { role: "user", content: "Well?" },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).type).toBe("invalid_request_error");
    expect((error as BadRequestError).message).toContain("`tool_use` ids were found without `tool_result` blocks");
  });

  it("thinks when asked, with a signature, streamed and not", async () => {
    const request = {
      model: MODEL,
      max_tokens: 2048,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: "Think first" }],
    };
    const message = await client.messages.create(request);
    const [thinking, text] = message.content;
    if (thinking?.type !== "thinking") throw new Error("expected a thinking block first");
    expect(thinking.thinking).toBe("Let me think about this step by step.");
    expect(thinking.signature.length).toBeGreaterThan(0);
    expect(text?.type).toBe("text");
    expect(message.usage.output_tokens_details?.thinking_tokens).toBe(8);

    const thinkingDeltas: string[] = [];
    const stream = client.messages.stream(request);
    stream.on("thinking", (delta) => thinkingDeltas.push(delta));
    const final = await stream.finalMessage();
    expect(thinkingDeltas.join("")).toBe(thinking.thinking);
    expect(final.content).toEqual(message.content);
  });

  it("rejects a thinking budget that is not below max_tokens", async () => {
    const error = await client.messages
      .create({ model: MODEL, max_tokens: 1024, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it("fails with the SDK's own error classes", async () => {
    const ask = (content: string) =>
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content }] }).catch((caught: unknown) => caught);

    const rateLimited = await ask("[[error:429]]");
    expect(rateLimited).toBeInstanceOf(RateLimitError);
    expect((rateLimited as RateLimitError).type).toBe("rate_limit_error");
    expect((rateLimited as RateLimitError).headers?.get("retry-after")).toBe("1");

    const overloaded = await ask("[[error:529]]");
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect((overloaded as OverloadedError).type).toBe("overloaded_error");

    const serverError = await ask("[[error:500]]");
    expect((serverError as APIError).status).toBe(500);
    expect((serverError as APIError).type).toBe("api_error");

    const badRequest = await ask("[[error:400]]");
    expect(badRequest).toBeInstanceOf(BadRequestError);
    expect((badRequest as BadRequestError).type).toBe("invalid_request_error");

    const wrongKey = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: simulator.url, maxRetries: 0 });
    const unauthenticated = await wrongKey.messages
      .create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect((unauthenticated as AuthenticationError).type).toBe("authentication_error");
  });

  it("fails mid-stream with an error event after a 200", async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "[[fail-after:2]] go" }] });
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe("overloaded_error");
    expect(texts).toHaveLength(2);
  });
});

/** The adapter pointed at the simulator, with a counter for invented ids. */
function adapter(apiKey: string = API_KEY): LanguageModel {
  let counter = 0;
  return createAnthropicMessagesModel(
    { provider: "anthropic", baseUrl: `${simulator.url}/v1`, apiKey, dispatcher, generateId: () => `id${++counter}` },
    MODEL,
  );
}

/** Tool call ids are minted per answer, so two answers are compared without them. */
function withoutIds(content: GeneratedContent[]): unknown[] {
  return content.map((part) => (part.type === "tool-call" ? { ...part, toolCallId: "toolu_…" } : part));
}

function userSays(text: string): Prompt {
  return [{ role: "user", content: [{ type: "text", text }] }];
}

const weatherFunction = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the Anthropic adapter against the simulator", () => {
  it("sends x-api-key, anthropic-version 2023-06-01 and a Messages body to ${baseUrl}/messages", async () => {
    await adapter().doGenerate({
      prompt: [{ role: "system", content: "Be brief." }, ...userSays("Hi")],
      maxOutputTokens: 50,
      temperature: 0.5,
      stopSequences: ["END"],
    });
    const recorded = simulator.requests.at(-1);
    expect(recorded?.path).toBe("/v1/messages");
    expect(recorded?.headers["x-api-key"]).toBe(API_KEY);
    expect(recorded?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(recorded?.body).toEqual({
      model: MODEL,
      max_tokens: 50,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      temperature: 0.5,
      stop_sequences: ["END"],
    });
  });

  it("gives the same content, finish reason and usage streamed and not", async () => {
    const options: CallOptions = { prompt: userSays("[[words:12]] [[cached:5]] [[cache-write:3]]") };
    const generated = await adapter().doGenerate(options);
    const { stream } = await adapter().doStream(options);
    const parts = await collectParts(stream);

    expect(parts[0]).toEqual({ type: "stream-start", warnings: [] });
    expect(parts[1]).toMatchObject({ type: "response-metadata", modelId: MODEL });
    const finish = parts.at(-1);
    if (finish?.type !== "finish") throw new Error("expected a finish part last");
    expect(contentOf(parts)).toEqual(generated.content);
    expect(finish.usage).toEqual(generated.usage);
    expect(finish.finishReason).toEqual(generated.finishReason);
    expect(generated.finishReason).toEqual({ unified: "stop", raw: "end_turn" });
    expect(generated.usage.inputTokens.cacheRead).toBe(5);
    expect(generated.usage.inputTokens.cacheWrite).toBe(3);
    expect(generated.usage.outputTokens.total).toBe(12);
    // input_tokens excludes cache reads and writes; the total puts them back.
    const simulated = await client.messages.create({ model: MODEL, max_tokens: 4096, messages: [{ role: "user", content: "[[words:12]] [[cached:5]] [[cache-write:3]]" }] });
    expect(generated.usage.inputTokens.total).toBe(simulated.usage.input_tokens + 5 + 3);
    expect(generated.responseId).toMatch(/^msg_/);
  });

  it("round-trips a tool call: the call, then the result on the next turn", async () => {
    const options: CallOptions = { prompt: userSays("Weather in Paris?"), tools: [weatherFunction], toolChoice: { type: "required" } };
    const first = await adapter().doGenerate(options);
    expect(first.finishReason).toEqual({ unified: "tool-calls", raw: "tool_use" });
    const call = first.content[0];
    if (call?.type !== "tool-call") throw new Error("expected a tool call");
    expect(call.toolCallId).toMatch(/^toolu_/);
    expect(JSON.parse(call.input)).toEqual({ city: "example" });
    expect(simulator.requests.at(-1)?.body).toMatchObject({ tool_choice: { type: "any" }, tools: [{ name: "get_weather", input_schema: weatherFunction.parameters }] });

    const { stream } = await adapter().doStream(options);
    const parts = await collectParts(stream);
    expect(parts.filter((part) => part.type === "tool-input-start")).toHaveLength(1);
    expect(parts.filter((part) => part.type === "tool-input-delta").map((part) => (part.type === "tool-input-delta" ? part.delta : "")).join("")).toBe(call.input);
    expect(withoutIds(contentOf(parts))).toEqual(withoutIds(first.content));

    const second = await adapter().doGenerate({
      prompt: [
        ...options.prompt,
        { role: "assistant", content: [{ type: "tool-call", toolCallId: call.toolCallId, toolName: call.toolName, input: call.input }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: call.toolCallId, output: "18°C, cloudy" }] },
      ],
      tools: [weatherFunction],
    });
    expect(second.content).toEqual([{ type: "text", text: "The tool said: 18°C, cloudy" }]);
    expect(second.finishReason.unified).toBe("stop");
  });

  it("reasons with a signature, and passes the thinking back in a tool loop", async () => {
    const options: CallOptions = { prompt: userSays("Weather?"), tools: [weatherFunction], reasoning: { effort: "low" }, maxOutputTokens: 2000 };
    const first = await adapter().doGenerate(options);
    expect(simulator.requests.at(-1)?.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2000 });
    const [reasoning, call] = first.content;
    if (reasoning?.type !== "reasoning" || call?.type !== "tool-call") throw new Error("expected reasoning, then a tool call");
    expect(reasoning.text).toBe("Let me think about this step by step.");
    expect(reasoning.signature).toBeDefined();
    expect(first.usage.outputTokens.reasoning).toBe(8);

    const streamed = contentOf(await collectParts((await adapter().doStream(options)).stream));
    expect(withoutIds(streamed)).toEqual(withoutIds(first.content));

    // The simulator, like Anthropic, rejects a tool loop whose assistant turn lost its signed thinking block.
    const next = await adapter().doGenerate({
      ...options,
      prompt: [
        ...options.prompt,
        { role: "assistant", content: [{ type: "reasoning", text: reasoning.text, signature: reasoning.signature }, { ...call }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: call.toolCallId, output: "sunny" }] },
      ],
    });
    expect(next.warnings).toEqual([]);
    expect(next.content.at(-1)).toEqual({ type: "text", text: "The tool said: sunny" });

    // Without the signature the adapter turns thinking off for the turn rather than earn a 400.
    const unsigned = await adapter().doGenerate({
      ...options,
      prompt: [
        ...options.prompt,
        { role: "assistant", content: [{ ...call }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: call.toolCallId, output: "sunny" }] },
      ],
    });
    expect(unsigned.content).toEqual([{ type: "text", text: "The tool said: sunny" }]);
    expect(unsigned.warnings.map((warning) => warning.setting)).toContain("reasoning");
  });

  it("drops reasoning from the output when asked to exclude it", async () => {
    const result = await adapter().doGenerate({ prompt: userSays("Think"), reasoning: { effort: "high", exclude: true } });
    expect(result.content.map((part) => part.type)).toEqual(["text"]);
    expect(result.usage.outputTokens.reasoning).toBe(8);
    const parts = await collectParts((await adapter().doStream({ prompt: userSays("Think"), reasoning: { effort: "high", exclude: true } })).stream);
    expect(parts.some((part) => part.type === "reasoning-delta")).toBe(false);
  });

  it("throws a retryable rate-limit GatewayError on 429, before any output", async () => {
    for (const call of [() => adapter().doGenerate({ prompt: userSays("[[error:429]]") }), () => adapter().doStream({ prompt: userSays("[[error:429]]") })]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ kind: "rate_limit_exceeded", retryable: true, metadata: { provider_code: 429, provider_name: "anthropic" } });
      expect((error as GatewayError).headers).toEqual({ "Retry-After": "1" });
    }
  });

  it("classifies 529, 500, 400 and a refused key", async () => {
    const failure = (text: string, apiKey?: string) => adapter(apiKey).doGenerate({ prompt: userSays(text) }).catch((caught: unknown) => caught);
    expect(await failure("[[error:529]]")).toMatchObject({ kind: "provider_overloaded", retryable: true });
    expect(await failure("[[error:500]]")).toMatchObject({ kind: "provider_unavailable", retryable: true });
    expect(await failure("[[error:400]]")).toMatchObject({
      kind: "invalid_request",
      retryable: false,
      metadata: { raw: "Simulated upstream error 400", provider_code: 400 },
    });
    expect(await failure("hi", "sk-ant-wrong")).toMatchObject({ kind: "provider_unavailable", retryable: true });
  });

  it("ends with an error part when the stream fails after it began", async () => {
    const parts = await collectParts((await adapter().doStream({ prompt: userSays("[[fail-after:3]] [[words:10]]") })).stream);
    expect(parts.filter((part) => part.type === "text-delta")).toHaveLength(3);
    const last = parts.at(-1);
    if (last?.type !== "error") throw new Error("expected an error part last");
    expect(last.error).toMatchObject({ kind: "provider_overloaded", retryable: true, metadata: { provider_code: "overloaded_error" } });
    expect(parts.some((part) => part.type === "finish")).toBe(false);
  });

  it("aborts the upstream request when the caller aborts mid-stream", async () => {
    const controller = new AbortController();
    const { stream } = await adapter().doStream({ prompt: userSays("[[words:200]] [[delay:20]]"), abortSignal: controller.signal });
    const recorded = simulator.requests.at(-1);
    let deltas = 0;
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      if (part.type === "text-delta" && ++deltas === 3) controller.abort();
    }
    expect(parts.some((part) => part.type === "finish")).toBe(false);
    await expect.poll(() => recorded?.clientClosedEarly, { timeout: 2_000 }).toBe(true);
  });

  it("closes the upstream connection when the consumer stops reading", async () => {
    const { stream } = await adapter().doStream({ prompt: userSays("[[words:200]] [[delay:20]]") });
    const recorded = simulator.requests.at(-1);
    for await (const part of stream) {
      if (part.type === "text-delta") break;
    }
    await expect.poll(() => recorded?.clientClosedEarly, { timeout: 2_000 }).toBe(true);
  });
});
