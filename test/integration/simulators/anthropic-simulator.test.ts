import Anthropic, { APIError, AuthenticationError, BadRequestError, OverloadedError, RateLimitError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../simulators/shared/simulator-server.js";
import { startAnthropicSimulator } from "../../simulators/anthropic/anthropic-simulator.js";

const API_KEY = "sk-ant-simulated";
const MODEL = "claude-sim-4";
const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

let simulator: RunningSimulator;
let client: Anthropic;

beforeAll(async () => {
  simulator = await startAnthropicSimulator({ apiKey: API_KEY });
  // The SDK appends `/v1/messages` to baseURL, so the simulator's root URL is the base.
  client = new Anthropic({ apiKey: API_KEY, baseURL: simulator.url, maxRetries: 0 });
});

afterAll(async () => {
  await simulator.close();
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
