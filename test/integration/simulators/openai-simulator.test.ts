import OpenAI from "openai";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError, type CallOptions, type LanguageModel, type StreamPart } from "../../../src/core/index.js";
import { createProviderRegistry } from "../../../src/providers/registry.js";
import { createUpstreamDispatcher } from "../../../src/providers/shared/create-upstream-dispatcher.js";
import { startAnthropicSimulator } from "../../simulators/anthropic/anthropic-simulator.js";
import { startGeminiSimulator } from "../../simulators/gemini/gemini-simulator.js";
import { startOpenAISimulator } from "../../simulators/openai/openai-simulator.js";
import type { RunningSimulator } from "../../simulators/shared/simulator-server.js";
import { collectParts, contentOf, expectGatewayError } from "../../support/stream-parts.js";

const API_KEY = "sk-simulated-openai";

let simulator: RunningSimulator;
let dispatcher: Agent;
let client: OpenAI;

function idGenerator(): () => string {
  let next = 0;
  return () => `id${(next += 1)}`;
}

function openAIModel(modelId: string, env: Record<string, string> = {}): LanguageModel {
  const registry = createProviderRegistry({
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${simulator.url}/v1`, ...env },
    dispatcher,
    generateId: idGenerator(),
  });
  return registry.languageModel("openai", modelId);
}

function userPrompt(text: string): CallOptions["prompt"] {
  return [{ role: "user", content: [{ type: "text", text }] }];
}

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

beforeAll(async () => {
  simulator = await startOpenAISimulator({ apiKey: API_KEY });
  dispatcher = createUpstreamDispatcher({ keepAliveTimeoutMs: 1_000 });
  client = new OpenAI({ apiKey: API_KEY, baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await dispatcher.close();
  await simulator.close();
});

describe("the simulator, read with the official openai SDK", () => {
  it("answers a non-streamed completion", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toBe("Hello! This is the simulated OpenAI model gpt-4o-mini.");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it("streams content deltas and a final usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi [[cached:3]]" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello! This is the simulated OpenAI model gpt-4o-mini.");
    expect(finish).toBe("stop");
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(3);
  });

  it("streams a tool call the SDK reassembles", async () => {
    const final = await client.chat.completions
      .stream({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ type: "function", function: WEATHER_TOOL }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: "example" });
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("lists models", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain("gpt-4o-mini");
  });

  it("fails with the SDK's own error classes", async () => {
    await expect(client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "[[error:429]]" }] })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    const wrongKey = new OpenAI({ apiKey: "sk-wrong-key-1234", baseURL: `${simulator.url}/v1`, maxRetries: 0 });
    await expect(wrongKey.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(
      client.chat.completions.create({ model: "o3-mini", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("sends a mid-stream error the SDK throws while iterating", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "[[words:10]] [[fail-after:2]]" }],
      stream: true,
    });
    const consume = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // reading until the error
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe("the openai adapter against the simulator", () => {
  it("gives the same content and usage streamed and not streamed", async () => {
    const model = openAIModel("gpt-4o-mini");
    const options: CallOptions = { prompt: userPrompt("Hello there [[cached:4]]"), maxOutputTokens: 100 };
    const generated = await model.doGenerate(options);
    const parts = await collectParts((await model.doStream(options)).stream);
    const finish = parts.at(-1);
    expect(parts[0]).toEqual({ type: "stream-start", warnings: [] });
    expect(finish?.type).toBe("finish");
    expect(contentOf(parts)).toEqual(generated.content);
    expect(finish?.type === "finish" ? finish.usage : undefined).toEqual(generated.usage);
    expect(finish?.type === "finish" ? finish.finishReason : undefined).toEqual(generated.finishReason);
    expect(generated.usage).toEqual({
      inputTokens: { total: expect.any(Number), cacheRead: 4, cacheWrite: undefined },
      outputTokens: { total: expect.any(Number), reasoning: 0 },
    });
    expect(generated.responseId).toMatch(/^chatcmpl-/);
    const streamedBody = simulator.requests.at(-1)?.body as Record<string, unknown>;
    expect(streamedBody.stream_options).toEqual({ include_usage: true });
    expect(streamedBody.max_completion_tokens).toBe(100);
    expect(simulator.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("makes a tool call and continues from its result", async () => {
    const model = openAIModel("gpt-4o-mini");
    const ask: CallOptions = { prompt: userPrompt("Weather in Paris?"), tools: [WEATHER_TOOL], toolChoice: { type: "auto" } };
    const first = await model.doGenerate(ask);
    const streamedFirst = contentOf(await collectParts((await model.doStream(ask)).stream));
    expect(streamedFirst).toEqual(first.content);
    expect(first.finishReason).toEqual({ unified: "tool-calls", raw: "tool_calls" });
    const call = first.content.find((part) => part.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", toolName: "get_weather", input: '{"city":"example"}' });
    if (call?.type !== "tool-call") throw new Error("no tool call");

    const answer = await model.doGenerate({
      ...ask,
      prompt: [
        ...ask.prompt,
        { role: "assistant", content: [call] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: call.toolCallId, toolName: call.toolName, output: "18 degrees" }] },
      ],
    });
    expect(answer.content).toEqual([{ type: "text", text: "The tool said: 18 degrees" }]);
    expect(answer.finishReason.unified).toBe("stop");
  });

  it("asks reasoning models for reasoning and returns it, streamed or not", async () => {
    const model = openAIModel("gpt-5-mini");
    const options: CallOptions = {
      prompt: [{ role: "system", content: "Be brief." }, ...userPrompt("Why is the sky blue?")],
      reasoning: { effort: "low" },
      maxOutputTokens: 200,
      temperature: 0.3,
    };
    const generated = await model.doGenerate(options);
    const sent = simulator.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.reasoning_effort).toBe("low");
    expect(sent.temperature).toBeUndefined();
    expect((sent.messages as Array<{ role: string }>)[0]?.role).toBe("developer");
    expect(generated.warnings).toEqual([expect.objectContaining({ type: "unsupported-setting", setting: "temperature" })]);
    expect(generated.content[0]).toEqual({ type: "reasoning", text: "Let me think about this step by step." });
    expect(generated.usage.outputTokens.reasoning).toBe(8);

    const parts = await collectParts((await model.doStream(options)).stream);
    expect(contentOf(parts)).toEqual(generated.content);

    const excluded = await model.doGenerate({ ...options, reasoning: { effort: "low", exclude: true } });
    expect(excluded.content.map((part) => part.type)).toEqual(["text"]);
  });

  it("throws a classified GatewayError before any output", async () => {
    const model = openAIModel("gpt-4o-mini");
    const rateLimited = await expectGatewayError(model.doStream({ prompt: userPrompt("[[error:429]]") }));
    expect(rateLimited.kind).toBe("rate_limit_exceeded");
    expect(rateLimited.retryable).toBe(true);
    expect(rateLimited.headers).toEqual({ "Retry-After": "1" });
    expect(rateLimited.metadata).toMatchObject({ provider_name: "openai", provider_code: 429 });

    const badRequest = await expectGatewayError(model.doGenerate({ prompt: userPrompt("[[error:400]]") }));
    expect(badRequest.kind).toBe("invalid_request");
    expect(badRequest.retryable).toBe(false);
    expect(badRequest.metadata?.raw).toBe("Simulated upstream error 400");

    const overloaded = await expectGatewayError(model.doGenerate({ prompt: userPrompt("[[error:503]]") }));
    expect(overloaded).toMatchObject({ kind: "provider_overloaded", retryable: true });
    const failed = await expectGatewayError(model.doGenerate({ prompt: userPrompt("[[error:500]]") }));
    expect(failed).toMatchObject({ kind: "provider_unavailable", retryable: true });

    const wrongKey = await expectGatewayError(openAIModel("gpt-4o-mini", { OPENAI_API_KEY: "sk-wrong" }).doGenerate({ prompt: userPrompt("Hi") }));
    expect(wrongKey).toMatchObject({ kind: "provider_unavailable", retryable: true });
  });

  it("throws a retryable error when the upstream cannot be reached", async () => {
    const gone = await startOpenAISimulator();
    await gone.close();
    const model = openAIModel("gpt-4o-mini", { OPENAI_BASE_URL: `${gone.url}/v1` });
    const error = await expectGatewayError(model.doStream({ prompt: userPrompt("Hi") }));
    expect(error).toMatchObject({ kind: "provider_unavailable", retryable: true });
  });

  it("ends a stream that fails midway with an error part", async () => {
    const model = openAIModel("gpt-4o-mini");
    const parts = await collectParts((await model.doStream({ prompt: userPrompt("[[words:10]] [[fail-after:3]]") })).stream);
    expect(parts.filter((part) => part.type === "text-delta")).toHaveLength(3);
    const last = parts.at(-1);
    expect(last?.type).toBe("error");
    expect(parts.some((part) => part.type === "finish")).toBe(false);
    expect(last?.type === "error" ? last.error.metadata?.raw : undefined).toMatch(/server had an error/);
  });

  it("closes the upstream request when the call is aborted mid-stream", async () => {
    const model = openAIModel("gpt-4o-mini");
    const controller = new AbortController();
    const { stream } = await model.doStream({ prompt: userPrompt("[[words:100]] [[delay:20]]"), abortSignal: controller.signal });
    const recorded = simulator.requests.at(-1);
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      if (part.type === "text-delta") controller.abort();
    }
    expect(parts.filter((part) => part.type === "text-delta")).toHaveLength(1);
    expect(parts.some((part) => part.type === "finish")).toBe(false);
    await expect.poll(() => recorded?.clientClosedEarly).toBe(true);
  });

  it("closes the upstream request when the consumer stops reading", async () => {
    const model = openAIModel("gpt-4o-mini");
    const { stream } = await model.doStream({ prompt: userPrompt("[[words:100]] [[delay:20]]") });
    const recorded = simulator.requests.at(-1);
    for await (const part of stream) {
      if (part.type === "text-delta") break;
    }
    await expect.poll(() => recorded?.clientClosedEarly).toBe(true);
  });
});

describe("openai-compatible vendors through the registry", () => {
  it("calls a vendor pointed at the simulator by its base URL, in its own dialect", async () => {
    const groqUpstream = await startOpenAISimulator({ apiKey: "gsk-test", reasoningField: "reasoning", openAIModelRules: false });
    try {
      const registry = createProviderRegistry({
        env: { GROQ_API_KEY: "gsk-test", GROQ_BASE_URL: `${groqUpstream.url}/v1/` },
        dispatcher,
        generateId: idGenerator(),
      });
      expect(registry.configuredProviders()).toEqual(["groq"]);
      const model = registry.languageModel("groq", "openai/gpt-oss-20b");
      expect(model.provider).toBe("groq");
      const options: CallOptions = { prompt: userPrompt("Hi"), reasoning: { effort: "high" }, maxOutputTokens: 50 };
      const parts = await collectParts((await model.doStream(options)).stream);
      const generated = await model.doGenerate(options);
      expect(contentOf(parts)).toEqual(generated.content);
      expect(generated.content[0]?.type).toBe("reasoning");
      const sent = groqUpstream.requests[0]?.body as Record<string, unknown>;
      expect(groqUpstream.requests[0]?.path).toBe("/v1/chat/completions");
      expect(sent).toMatchObject({ model: "openai/gpt-oss-20b", reasoning_effort: "high", max_completion_tokens: 50 });
    } finally {
      await groqUpstream.close();
    }
  });

  it("calls a local server without a key", async () => {
    const local = await startOpenAISimulator({ openAIModelRules: false });
    try {
      const registry = createProviderRegistry({ env: { OLLAMA_BASE_URL: `${local.url}/v1` }, dispatcher, generateId: idGenerator() });
      const result = await registry.languageModel("ollama", "llama3.2").doGenerate({ prompt: userPrompt("Hi"), maxOutputTokens: 30 });
      expect(result.content).toEqual([{ type: "text", text: "Hello! This is the simulated OpenAI model llama3.2." }]);
      expect(local.requests[0]?.headers.authorization).toBeUndefined();
      expect(local.requests[0]?.body).toMatchObject({ max_tokens: 30 });
    } finally {
      await local.close();
    }
  });

  it("does not configure a vendor whose key is missing, and says which variable to set", () => {
    const registry = createProviderRegistry({ env: { GROQ_BASE_URL: "http://127.0.0.1:1/v1", GROQ_API_KEY: " " }, dispatcher, generateId: idGenerator() });
    expect(registry.isConfigured("groq")).toBe(false);
    expect(registry.isConfigured("ollama")).toBe(false);
    expect(registry.configuredProviders()).toEqual([]);
    expect(registry.knownProviders()).toEqual(expect.arrayContaining(["openai", "groq", "mistral", "ollama", "vllm", "llamacpp", "openrouter"]));
    let error: unknown;
    try {
      registry.languageModel("groq", "llama-3.3-70b-versatile");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "no_provider", message: expect.stringContaining("GROQ_API_KEY") });
    expect(() => registry.languageModel("nope", "x")).toThrow(/Unknown provider/);
  });

  it("builds the Anthropic and Gemini adapters from their environment variables", async () => {
    const anthropic = await startAnthropicSimulator({ apiKey: "sk-ant-test" });
    const gemini = await startGeminiSimulator({ apiKey: "gemini-test" });
    try {
      const registry = createProviderRegistry({
        env: {
          ANTHROPIC_API_KEY: "sk-ant-test",
          ANTHROPIC_BASE_URL: `${anthropic.url}/v1`,
          GEMINI_API_KEY: "gemini-test",
          GEMINI_BASE_URL: `${gemini.url}/v1beta`,
        },
        dispatcher,
        generateId: idGenerator(),
      });
      expect(registry.configuredProviders()).toEqual(["anthropic", "google-ai-studio"]);
      for (const [slug, model] of [
        ["anthropic", "claude-sonnet-4-5"],
        ["google-ai-studio", "gemini-2.5-flash"],
      ] as const) {
        const result = await registry.languageModel(slug, model).doGenerate({ prompt: userPrompt("Hi"), maxOutputTokens: 50 });
        expect(result.content[0]).toMatchObject({ type: "text", text: expect.stringContaining(model) });
      }
    } finally {
      await anthropic.close();
      await gemini.close();
    }
  });
});
