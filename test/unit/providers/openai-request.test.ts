import { describe, expect, it } from "vitest";
import type { CallOptions } from "../../../src/core/index.js";
import { OPENAI_DIALECT } from "../../../src/providers/openai/openai-dialect.js";
import { buildOpenAIChatRequest, effortForBudget } from "../../../src/providers/openai/openai-request.js";
import { OPENAI_COMPATIBLE_VENDORS } from "../../../src/providers/openai-compatible/vendors.js";

const prompt: CallOptions["prompt"] = [{ role: "user", content: [{ type: "text", text: "Hi" }] }];
const TOOL = { name: "lookup", description: "Looks up", parameters: { type: "object", properties: {} }, strict: true };
const WIRE_TOOL = { type: "function", function: { name: "lookup", description: "Looks up", parameters: { type: "object", properties: {} }, strict: true } };

function dialectOf(slug: string) {
  const vendor = OPENAI_COMPATIBLE_VENDORS.find((candidate) => candidate.slug === slug);
  if (vendor === undefined) throw new Error(`no vendor ${slug}`);
  return vendor.dialect;
}

describe("buildOpenAIChatRequest for OpenAI", () => {
  const cases: Array<{ name: string; modelId?: string; options: Omit<CallOptions, "prompt">; stream?: boolean; body: Record<string, unknown> }> = [
    { name: "nothing optional is sent when nothing is asked", options: {}, body: {} },
    {
      name: "sampling settings keep their OpenAI names",
      options: { maxOutputTokens: 64, temperature: 0.2, topP: 0.9, frequencyPenalty: 0.1, presencePenalty: -0.1, stopSequences: ["END"], seed: 7, user: "u1" },
      body: { max_completion_tokens: 64, temperature: 0.2, top_p: 0.9, frequency_penalty: 0.1, presence_penalty: -0.1, stop: ["END"], seed: 7, user: "u1" },
    },
    {
      name: "streaming asks for usage",
      options: {},
      stream: true,
      body: { stream: true, stream_options: { include_usage: true } },
    },
    {
      name: "tools, a named tool choice and parallel_tool_calls",
      options: { tools: [TOOL], toolChoice: { type: "tool", toolName: "lookup" }, parallelToolCalls: false },
      body: {
        tools: [WIRE_TOOL],
        tool_choice: { type: "function", function: { name: "lookup" } },
        parallel_tool_calls: false,
      },
    },
    { name: "tool choice required", options: { tools: [TOOL], toolChoice: { type: "required" } }, body: { tools: [WIRE_TOOL], tool_choice: "required" } },
    { name: "tool choice none", options: { tools: [TOOL], toolChoice: { type: "none" } }, body: { tools: [WIRE_TOOL], tool_choice: "none" } },
    { name: "json object", options: { responseFormat: { type: "json_object" } }, body: { response_format: { type: "json_object" } } },
    {
      name: "json schema",
      options: { responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
      body: { response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } } },
    },
    { name: "text format is the default and not sent", options: { responseFormat: { type: "text" } }, body: {} },
    { name: "reasoning effort for a reasoning model", modelId: "o3-mini", options: { reasoning: { effort: "high" } }, body: { reasoning_effort: "high" } },
    { name: "a reasoning budget becomes an effort", modelId: "gpt-5", options: { reasoning: { maxTokens: 4000 } }, body: { reasoning_effort: "medium" } },
    { name: "reasoning enabled without detail is medium", modelId: "gpt-5", options: { reasoning: { enabled: true } }, body: { reasoning_effort: "medium" } },
  ];
  it.each(cases)("$name", ({ modelId, options, stream, body }) => {
    const built = buildOpenAIChatRequest({ modelId: modelId ?? "gpt-4o", options: { prompt, ...options }, dialect: OPENAI_DIALECT, stream: stream ?? false });
    expect(built.warnings).toEqual([]);
    const { model, messages, ...rest } = built.body;
    expect(model).toBe(modelId ?? "gpt-4o");
    expect(messages).toEqual([{ role: messages[0]?.role, content: "Hi" }]);
    expect(rest).toEqual(expect.objectContaining(body));
    expect(Object.keys(rest).sort()).toEqual(Object.keys(body).sort());
  });

  it("drops what reasoning models refuse, with warnings, and uses the developer role", () => {
    const built = buildOpenAIChatRequest({
      modelId: "o4-mini",
      options: { prompt: [{ role: "system", content: "S" }, ...prompt], temperature: 0.5, topP: 0.5, stopSequences: ["x"], maxOutputTokens: 10 },
      dialect: OPENAI_DIALECT,
      stream: false,
    });
    expect(built.body).toEqual({ model: "o4-mini", messages: [{ role: "developer", content: "S" }, { role: "user", content: "Hi" }], max_completion_tokens: 10 });
    expect(built.warnings.map((warning) => warning.setting)).toEqual(["temperature", "topP", "stopSequences"]);
  });

  it("keeps sampling for gpt-5 chat models, which are not reasoning models", () => {
    const built = buildOpenAIChatRequest({ modelId: "gpt-5-chat-latest", options: { prompt, temperature: 0.5, reasoning: { effort: "low" } }, dialect: OPENAI_DIALECT, stream: false });
    expect(built.body.temperature).toBe(0.5);
    expect(built.body.reasoning_effort).toBeUndefined();
    expect(built.warnings).toEqual([expect.objectContaining({ setting: "reasoning" })]);
  });

  it("drops settings OpenAI does not have, with warnings", () => {
    const built = buildOpenAIChatRequest({ modelId: "gpt-4o", options: { prompt, topK: 40, repetitionPenalty: 1.1 }, dialect: OPENAI_DIALECT, stream: false });
    expect(built.body.top_k).toBeUndefined();
    expect(built.warnings.map((warning) => warning.setting)).toEqual(["topK", "repetitionPenalty"]);
  });

  it("cannot turn reasoning off on a model that always reasons", () => {
    const built = buildOpenAIChatRequest({ modelId: "o3", options: { prompt, reasoning: { enabled: false } }, dialect: OPENAI_DIALECT, stream: false });
    expect(built.body.reasoning_effort).toBeUndefined();
    expect(built.warnings).toHaveLength(1);
  });

  it.each([
    [512, "low"],
    [1024, "low"],
    [1025, "medium"],
    [8192, "medium"],
    [20000, "high"],
  ] as const)("a budget of %i tokens is %s effort", (budget, effort) => {
    expect(effortForBudget(budget)).toBe(effort);
  });
});

describe("buildOpenAIChatRequest for compatible vendors", () => {
  it("uses max_tokens and vLLM-style sampling fields where the vendor has them", () => {
    const built = buildOpenAIChatRequest({
      modelId: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      options: { prompt, maxOutputTokens: 10, topK: 40, repetitionPenalty: 1.1 },
      dialect: dialectOf("together"),
      stream: true,
    });
    expect(built.body).toMatchObject({ max_tokens: 10, top_k: 40, repetition_penalty: 1.1, stream: true });
    expect(built.body.stream_options).toBeUndefined();
    expect(built.warnings).toEqual([]);
  });

  it("sends llama.cpp's own name for the repetition penalty", () => {
    const built = buildOpenAIChatRequest({ modelId: "local", options: { prompt, repetitionPenalty: 1.2 }, dialect: dialectOf("llamacpp"), stream: false });
    expect(built.body.repeat_penalty).toBe(1.2);
  });

  it("gives Mistral its seed name, drops user, and never sends reasoning", () => {
    const built = buildOpenAIChatRequest({
      modelId: "mistral-large-latest",
      options: { prompt, seed: 3, user: "u", reasoning: { effort: "low" } },
      dialect: dialectOf("mistral"),
      stream: true,
    });
    expect(built.body.random_seed).toBe(3);
    expect(built.body.seed).toBeUndefined();
    expect(built.body.user).toBeUndefined();
    expect(built.body.stream_options).toBeUndefined();
    expect(built.warnings.map((warning) => warning.setting)).toEqual(["user", "reasoning"]);
  });

  it("falls back to JSON object mode where JSON schemas are not supported", () => {
    const built = buildOpenAIChatRequest({
      modelId: "deepseek-chat",
      options: { prompt, responseFormat: { type: "json_schema", name: "a", schema: { type: "object" } } },
      dialect: dialectOf("deepseek"),
      stream: false,
    });
    expect(built.body.response_format).toEqual({ type: "json_object" });
    expect(built.warnings).toEqual([expect.objectContaining({ setting: "responseFormat" })]);
  });

  it("passes OpenRouter the unified reasoning object", () => {
    const built = buildOpenAIChatRequest({
      modelId: "anthropic/claude-sonnet-4.5",
      options: { prompt, reasoning: { maxTokens: 2000, exclude: true } },
      dialect: dialectOf("openrouter"),
      stream: false,
    });
    expect(built.body.reasoning).toEqual({ max_tokens: 2000, exclude: true });
    expect(built.body.reasoning_effort).toBeUndefined();
  });

  it("sends reasoning_effort only to the models of a vendor that take it", () => {
    const groq = dialectOf("groq");
    const gptOss = buildOpenAIChatRequest({ modelId: "openai/gpt-oss-120b", options: { prompt, reasoning: { effort: "low" } }, dialect: groq, stream: false });
    const llama = buildOpenAIChatRequest({ modelId: "llama-3.3-70b-versatile", options: { prompt, reasoning: { effort: "low" } }, dialect: groq, stream: false });
    expect(gptOss.body.reasoning_effort).toBe("low");
    expect(llama.body.reasoning_effort).toBeUndefined();
    expect(llama.warnings).toHaveLength(1);
  });

  it("drops the settings Cerebras answers 400 to", () => {
    const built = buildOpenAIChatRequest({
      modelId: "llama-3.3-70b",
      options: { prompt, frequencyPenalty: 1, presencePenalty: 1, tools: [TOOL], parallelToolCalls: true },
      dialect: dialectOf("cerebras"),
      stream: false,
    });
    expect(built.body).not.toHaveProperty("frequency_penalty");
    expect(built.body).not.toHaveProperty("presence_penalty");
    expect(built.body).not.toHaveProperty("parallel_tool_calls");
    expect(built.warnings.map((warning) => warning.setting)).toEqual(["frequencyPenalty", "presencePenalty", "parallelToolCalls"]);
  });

  it("drops penalties and stop for grok-4 only", () => {
    const xai = dialectOf("xai");
    const grok4 = buildOpenAIChatRequest({ modelId: "grok-4", options: { prompt, presencePenalty: 1, stopSequences: ["x"], temperature: 0.1 }, dialect: xai, stream: false });
    const grok3 = buildOpenAIChatRequest({ modelId: "grok-3", options: { prompt, presencePenalty: 1, stopSequences: ["x"] }, dialect: xai, stream: false });
    expect(grok4.body).toEqual({ model: "grok-4", messages: [{ role: "user", content: "Hi" }], temperature: 0.1 });
    expect(grok3.body).toMatchObject({ presence_penalty: 1, stop: ["x"] });
  });

  it("drops image detail for vLLM", () => {
    const built = buildOpenAIChatRequest({
      modelId: "Qwen/Qwen2.5-VL-7B-Instruct",
      options: { prompt: [{ role: "user", content: [{ type: "image", image: { kind: "url", url: "https://x/y.png" }, detail: "high" }] }] },
      dialect: dialectOf("vllm"),
      stream: false,
    });
    expect(built.body.messages).toEqual([{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }]);
  });
});
