import { ApiError, FunctionCallingConfigMode, GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CallOptions,
  type FunctionTool,
  type LanguageModel,
  type Prompt,
  type StreamPart,
} from "../../../src/core/index.js";
import { createGeminiModel } from "../../../src/providers/gemini/gemini-model.js";
import type { ProviderSettings } from "../../../src/providers/shared/provider-settings.js";
import type { RunningSimulator } from "../../simulators/shared/simulator-server.js";
import { startGeminiSimulator } from "../../simulators/gemini/gemini-simulator.js";
import { contentOf, expectGatewayError } from "../../support/stream-parts.js";

const API_KEY = "gemini-test-key";
const MODEL = "gemini-2.5-flash";

let sim: RunningSimulator;
let client: GoogleGenAI;

beforeAll(async () => {
  sim = await startGeminiSimulator({ apiKey: API_KEY });
  client = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: sim.url, apiVersion: "v1beta" } });
});

afterAll(async () => {
  await sim.close();
});

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const weatherTool = {
  functionDeclarations: [
    {
      name: "get_weather",
      description: "Weather in a city",
      parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  ],
};

describe("Gemini simulator read by the official @google/genai SDK", () => {
  it("answers generateContent with text, usage, responseId and modelVersion", async () => {
    const response = await client.models.generateContent({ model: MODEL, contents: "Say hello", config: { systemInstruction: "Be brief" } });
    expect(response.text).toBe(`Hello! This is the simulated Gemini model ${MODEL}.`);
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.responseId).toBeTruthy();
    expect(response.modelVersion).toBe(MODEL);
    const usage = response.usageMetadata;
    expect(usage?.promptTokenCount).toBeGreaterThan(0);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0));
    const recorded = sim.requests.at(-1);
    expect(recorded?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(recorded?.headers["x-goog-api-key"]).toBe(API_KEY);
  });

  it("streams with alt=sse, one word per chunk, usage final on the last chunk", async () => {
    const chunks = await collect(await client.models.generateContentStream({ model: MODEL, contents: "[[words:5]]" }));
    expect(chunks.map((chunk) => chunk.text).join("")).toBe("word1 word2 word3 word4 word5");
    expect(chunks).toHaveLength(5);
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(5);
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBeUndefined();
    expect(sim.requests.at(-1)?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
  });

  it("calls a function with no call id and finishReason STOP, then answers the function response", async () => {
    const response = await client.models.generateContent({
      model: MODEL,
      contents: "Weather in Paris?",
      config: { tools: [weatherTool], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
    });
    const call = response.functionCalls?.[0];
    expect(call?.name).toBe("get_weather");
    expect(call?.args).toEqual({ city: "example" });
    expect(call?.id).toBeUndefined();
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");

    const followUp = await client.models.generateContent({
      model: MODEL,
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
      ],
      config: { tools: [weatherTool] },
    });
    expect(followUp.text).toBe("The tool said: sunny");
  });

  it("Gemini 3 signs the first function call of a step and refuses the call replayed without its signature", async () => {
    const gemini3 = "gemini-3-pro-preview";
    const config = { tools: [weatherTool] };
    const response = await client.models.generateContent({ model: gemini3, contents: "Weather in Paris?", config });
    const part = response.candidates?.[0]?.content?.parts?.find((entry) => entry.functionCall !== undefined);
    expect(part?.functionCall?.name).toBe("get_weather");
    expect(part?.thoughtSignature).toMatch(/^[A-Za-z0-9+/=]+$/);

    const history = (signature: string | undefined) => [
      { role: "user", parts: [{ text: "Weather in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } }, ...(signature === undefined ? {} : { thoughtSignature: signature }) }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
    ];
    const signed = await client.models.generateContent({ model: gemini3, contents: history(part?.thoughtSignature), config });
    expect(signed.text).toBe("The tool said: sunny");

    const refused = await client.models.generateContent({ model: gemini3, contents: history(undefined), config }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).message).toContain("Function call is missing a thought_signature in functionCall parts");
    // Gemini 2.5 signs calls only when thinking, and does not insist on getting the signature back.
    const older = await client.models.generateContent({ model: MODEL, contents: history(undefined), config });
    expect(older.text).toBe("The tool said: sunny");
  });

  it("streams a function call whole, in one chunk", async () => {
    const chunks = await collect(
      await client.models.generateContentStream({ model: MODEL, contents: "Weather? [[parallel]]", config: { tools: [weatherTool] } }),
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.functionCalls?.map((call) => call.name)).toEqual(["get_weather", "get_weather"]);
  });

  it("returns thoughts as thought parts only when includeThoughts is set, counted apart", async () => {
    const response = await client.models.generateContent({
      model: MODEL,
      contents: "Think first",
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]?.thought).toBe(true);
    expect(parts[0]?.text).toBe("Let me think about this step by step.");
    const usage = response.usageMetadata;
    expect(usage?.thoughtsTokenCount).toBe(8);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0));

    const hidden = await client.models.generateContent({ model: MODEL, contents: "Think first", config: { thinkingConfig: { thinkingBudget: 1024 } } });
    expect(hidden.candidates?.[0]?.content?.parts?.some((part) => part.thought === true)).toBe(false);
    expect(hidden.usageMetadata?.thoughtsTokenCount).toBe(8);
  });

  it("structured output follows responseJsonSchema", async () => {
    const response = await client.models.generateContent({
      model: MODEL,
      contents: "Give me a person",
      config: { responseMimeType: "application/json", responseJsonSchema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } } } },
    });
    expect(JSON.parse(response.text ?? "")).toEqual({ name: "example", age: 1 });
  });

  it("reports MAX_TOKENS when maxOutputTokens cuts the answer", async () => {
    const response = await client.models.generateContent({ model: MODEL, contents: "[[words:10]]", config: { maxOutputTokens: 3 } });
    expect(response.text).toBe("word1 word2 word3");
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
  });

  it.each([
    [429, "RESOURCE_EXHAUSTED"],
    [503, "UNAVAILABLE"],
    [500, "INTERNAL"],
    [400, "INVALID_ARGUMENT"],
  ])("refuses [[error:%i]] with the SDK's ApiError and Google's %s status", async (status, statusName) => {
    const error = await client.models.generateContent({ model: MODEL, contents: `[[error:${status}]]` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect(JSON.parse((error as ApiError).message)).toMatchObject({ error: { code: status, status: statusName } });
  });

  it("fails mid-stream with an error event the SDK raises as ApiError after the first chunks", async () => {
    const stream = await client.models.generateContentStream({ model: MODEL, contents: "[[words:6]] [[fail-after:2]]" });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? "");
    })().catch((caught: unknown) => caught);
    expect(texts).toEqual(["word1", " word2"]);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
  });

  it("refuses a wrong key with 400 API_KEY_INVALID and a missing key with 403", async () => {
    const wrong = new GoogleGenAI({ apiKey: "wrong", httpOptions: { baseUrl: sim.url, apiVersion: "v1beta" } });
    const error = await wrong.models.generateContent({ model: MODEL, contents: "hi" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain("API_KEY_INVALID");

    const missing = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });

    const byQuery = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent?key=${API_KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(byQuery.status).toBe(200);
  });

  it("without alt=sse streams one JSON array of the same chunks", async () => {
    const response = await fetch(`${sim.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "[[words:3]]" }] }] }),
    });
    const chunks = (await response.json()) as GenerateContentResponse[];
    expect(chunks).toHaveLength(3);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
  });

  it("refuses what the real API refuses: JSON-Schema keywords in `parameters`, unmatched function responses", async () => {
    // Sent raw: the SDK itself strips `additionalProperties` from `parameters`, an adapter might not.
    const badSchema = await postRaw({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "OBJECT", additionalProperties: false } }] }],
    });
    expect(badSchema.status).toBe(400);
    expect(JSON.stringify(badSchema.body)).toContain('Unknown name \\"additionalProperties\\"');

    const unmatched = await client.models
      .generateContent({ model: MODEL, contents: [{ role: "user", parts: [{ functionResponse: { name: "f", response: { output: 1 } } }] }] })
      .catch((caught: unknown) => caught);
    expect(unmatched).toBeInstanceOf(ApiError);
    expect((unmatched as ApiError).status).toBe(400);

    const badRole = await postRaw({ contents: [{ role: "assistant", parts: [{ text: "hi" }] }] });
    expect(badRole).toMatchObject({ status: 400, body: { error: { status: "INVALID_ARGUMENT" } } });
  });
});

async function postRaw(body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("Gemini adapter driven against the simulator", () => {
  let dispatcher: Agent;
  let nextId = 0;

  beforeAll(() => {
    dispatcher = new Agent();
  });

  afterAll(async () => {
    await dispatcher.close();
  });

  function model(overrides: Partial<ProviderSettings> = {}, modelId: string = MODEL): LanguageModel {
    nextId = 0;
    return createGeminiModel(
      {
        provider: "google",
        baseUrl: `${sim.url}/v1beta`,
        apiKey: API_KEY,
        dispatcher,
        generateId: () => String(++nextId),
        ...overrides,
      },
      modelId,
    );
  }

  const ask = (text: string): Prompt => [{ role: "user", content: [{ type: "text", text }] }];

  async function streamParts(options: CallOptions): Promise<StreamPart[]> {
    const { stream } = await model().doStream(options);
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    return parts;
  }

  it("doGenerate and doStream give the same content, finish reason and usage", async () => {
    const options: CallOptions = { prompt: ask("Hello there [[cached:4]]"), reasoning: { effort: "low" } };
    const generated = await model().doGenerate(options);
    const parts = await streamParts(options);
    const finish = parts.at(-1);
    expect(finish?.type).toBe("finish");
    expect(contentOf(parts)).toEqual(generated.content);
    expect(generated.content.map((item) => item.type)).toEqual(["reasoning", "text"]);
    expect(finish?.type === "finish" ? finish.usage : undefined).toEqual(generated.usage);
    expect(finish?.type === "finish" ? finish.finishReason : undefined).toEqual(generated.finishReason);
    expect(generated.usage.inputTokens.cacheRead).toBe(4);
    expect(generated.usage.outputTokens.reasoning).toBe(8);
    expect(generated.usage.outputTokens.total).toBe(8 + (generated.content[1]?.type === "text" ? generated.content[1].text.split(" ").length : 0));
    expect(generated.modelId).toBe(MODEL);
    expect(generated.responseId).toBeTruthy();
    expect(parts[1]).toMatchObject({ type: "response-metadata", modelId: MODEL });

    const recorded = sim.requests.at(-1);
    expect(recorded?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
    expect(recorded?.headers["x-goog-api-key"]).toBe(API_KEY);
    expect(recorded?.body).toMatchObject({ generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 6553 } } });
  });

  it("a tool call gets an invented id, and its result goes back addressed by function name", async () => {
    const tools: FunctionTool[] = [
      { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false } },
    ];
    const first = await model().doGenerate({ prompt: ask("Weather in Paris?"), tools, toolChoice: { type: "required" } });
    expect(first.finishReason).toEqual({ unified: "tool-calls", raw: "STOP" });
    expect(first.content).toEqual([{ type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"example"}' }]);

    const streamed = await streamParts({ prompt: ask("Weather in Paris?"), tools });
    expect(streamed.filter((part) => part.type.startsWith("tool-"))).toEqual([
      { type: "tool-input-start", toolCallId: "call_1", toolName: "get_weather" },
      { type: "tool-input-delta", toolCallId: "call_1", delta: '{"city":"example"}' },
      { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"example"}' },
    ]);

    // The result names no tool: the adapter finds the name through the earlier call's invented id.
    const second = await model().doGenerate({
      prompt: [
        ...ask("Weather in Paris?"),
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}' }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", output: "sunny" }] },
      ],
      tools,
    });
    expect(second.content).toEqual([{ type: "text", text: "The tool said: sunny" }]);
    expect(second.finishReason.unified).toBe("stop");
    expect(sim.requests.at(-1)?.body).toMatchObject({
      contents: [
        { role: "user" },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] } }] }],
    });
  });

  it("a Gemini 3 call's thoughtSignature becomes the tool call's signature and goes back with the call", async () => {
    const tools: FunctionTool[] = [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
    const gemini3 = () => model({}, "gemini-3-pro-preview");
    const first = await gemini3().doGenerate({ prompt: ask("Weather in Paris?"), tools });
    const call = first.content[0];
    expect(call).toMatchObject({ type: "tool-call", toolCallId: "call_1", signature: expect.stringMatching(/^[A-Za-z0-9+/=]+$/) });
    const { stream } = await gemini3().doStream({ prompt: ask("Weather in Paris?"), tools });
    const streamed: StreamPart[] = [];
    for await (const part of stream) streamed.push(part);
    expect(streamed.find((part) => part.type === "tool-call")).toEqual(call);

    const signature = call?.type === "tool-call" ? call.signature : undefined;
    const second = await gemini3().doGenerate({
      prompt: [
        ...ask("Weather in Paris?"),
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}', ...(signature === undefined ? {} : { signature }) }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", output: "sunny" }] },
      ],
      tools,
    });
    expect(second.content).toEqual([{ type: "text", text: "The tool said: sunny" }]);
    expect(sim.requests.at(-1)?.body).toMatchObject({ contents: [{ role: "user" }, { role: "model", parts: [{ functionCall: { name: "get_weather" }, thoughtSignature: signature }] }, { role: "user" }] });
  });

  it("thinking with exclude: thoughts hidden but still counted as reasoning", async () => {
    const result = await model().doGenerate({ prompt: ask("Think"), reasoning: { effort: "medium", exclude: true } });
    expect(result.content.map((item) => item.type)).toEqual(["text"]);
    expect(result.usage.outputTokens.reasoning).toBe(8);
    expect(sim.requests.at(-1)?.body).toMatchObject({ generationConfig: { thinkingConfig: { includeThoughts: false } } });
  });

  it("structured output: the JSON schema goes as responseSchema and the answer follows it", async () => {
    const result = await model().doGenerate({
      prompt: ask("A person"),
      responseFormat: { type: "json_schema", name: "person", schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, additionalProperties: false } },
    });
    expect(result.content).toEqual([{ type: "text", text: '{"name":"example","age":1}' }]);
  });

  it.each([
    [429, "rate_limit_exceeded", true],
    [503, "provider_overloaded", true],
    [500, "provider_unavailable", true],
    [400, "invalid_request", false],
  ] as const)("an upstream %i before output is thrown as %s (retryable: %s)", async (status, kind, retryable) => {
    for (const call of [() => model().doGenerate({ prompt: ask(`[[error:${status}]]`) }), () => model().doStream({ prompt: ask(`[[error:${status}]]`) })]) {
      const error = await expectGatewayError(call());
      expect(error.kind).toBe(kind);
      expect(error.retryable).toBe(retryable);
      expect(error.metadata).toMatchObject({ provider_name: "google", provider_code: status });
    }
  });

  it("a key Google refuses (400 API_KEY_INVALID) is our credential problem: retryable provider_unavailable", async () => {
    const error = await expectGatewayError(model({ apiKey: "wrong" }).doGenerate({ prompt: ask("hi") }));
    expect(error.kind).toBe("provider_unavailable");
    expect(error.retryable).toBe(true);
  });

  it("a failure mid-stream ends the stream with an error part after the content already sent", async () => {
    const parts = await streamParts({ prompt: ask("[[words:6]] [[fail-after:3]]") });
    expect(parts.filter((part) => part.type === "text-delta").map((part) => (part.type === "text-delta" ? part.delta : ""))).toEqual(["word1", " word2", " word3"]);
    expect(parts.some((part) => part.type === "finish")).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable", metadata: { provider_code: 500 } } });
  });

  it("an error event before any content is thrown from doStream, so the router can fail over", async () => {
    const error = await expectGatewayError(model().doStream({ prompt: ask("[[fail-after:0]]") }));
    expect(error.retryable).toBe(true);
  });

  it("aborting mid-stream closes the upstream connection", async () => {
    const controller = new AbortController();
    const { stream } = await model().doStream({ prompt: ask("[[words:100]] [[delay:20]]"), abortSignal: controller.signal });
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      if (parts.filter((item) => item.type === "text-delta").length === 2) controller.abort();
    }
    expect(parts.at(-1)?.type).toBe("error");
    const recorded = sim.requests.at(-1);
    await expect.poll(() => recorded?.clientClosedEarly).toBe(true);
  });

  it("stopping the iteration early also closes the upstream connection", async () => {
    const { stream } = await model().doStream({ prompt: ask("[[words:100]] [[delay:20]]") });
    let seen = 0;
    for await (const part of stream) if (part.type === "text-delta" && ++seen === 2) break;
    const recorded = sim.requests.at(-1);
    await expect.poll(() => recorded?.clientClosedEarly).toBe(true);
  });
});
