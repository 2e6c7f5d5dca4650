import { describe, expect, it } from "vitest";
import type { CallOptions, FunctionTool, Prompt, ReasoningOptions, ToolChoice } from "../../../src/core/index.js";
import {
  buildAnthropicRequest,
  convertToolChoice,
  DEFAULT_MAX_TOKENS,
  JSON_OBJECT_INSTRUCTION,
} from "../../../src/providers/anthropic/anthropic-request.js";
import { planThinking, wantsThinking } from "../../../src/providers/anthropic/anthropic-thinking.js";

const prompt: Prompt = [{ role: "user", content: [{ type: "text", text: "Hi" }] }];
const tool: FunctionTool = { name: "lookup", description: "Look up", parameters: { properties: { q: { type: "string" } } } };

function build(options: Partial<CallOptions>, stream = false) {
  return buildAnthropicRequest({ options: { prompt, ...options }, modelId: "claude-test", stream });
}

describe("buildAnthropicRequest", () => {
  it("always sends max_tokens, defaulting when the caller set none", () => {
    expect(build({}).body).toEqual({ model: "claude-test", max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    expect(build({ maxOutputTokens: 77 }).body.max_tokens).toBe(77);
    expect(build({}, true).body.stream).toBe(true);
  });

  it("passes sampling settings and stop sequences, lowering temperature into Anthropic's 0–1 range", () => {
    const plan = build({ temperature: 0.3, topP: 0.9, topK: 40, stopSequences: ["END"] });
    expect(plan.body).toMatchObject({ temperature: 0.3, top_p: 0.9, top_k: 40, stop_sequences: ["END"] });
    expect(plan.warnings).toEqual([]);
    const hot = build({ temperature: 1.6 });
    expect(hot.body.temperature).toBe(1);
    expect(hot.warnings.map((warning) => warning.setting)).toEqual(["temperature"]);
  });

  it("warns about the settings Anthropic does not have and drops them", () => {
    const plan = build({ frequencyPenalty: 0.5, presencePenalty: 0.5, repetitionPenalty: 1.1, seed: 7 });
    expect(plan.warnings.map((warning) => [warning.type, warning.setting])).toEqual([
      ["unsupported-setting", "frequencyPenalty"],
      ["unsupported-setting", "presencePenalty"],
      ["unsupported-setting", "repetitionPenalty"],
      ["unsupported-setting", "seed"],
    ]);
    expect(Object.keys(plan.body)).toEqual(["model", "max_tokens", "messages"]);
  });

  it("sends tools with an object input_schema", () => {
    expect(build({ tools: [tool, { name: "bare", parameters: { type: "object" }, strict: true }] }).body.tools).toEqual([
      { name: "lookup", description: "Look up", input_schema: { type: "object", properties: { q: { type: "string" } } } },
      { name: "bare", input_schema: { type: "object" }, strict: true },
    ]);
  });

  it("drops a forcing tool choice when there are no tools", () => {
    const plan = build({ toolChoice: { type: "required" } });
    expect(plan.body.tool_choice).toBeUndefined();
    expect(plan.warnings.map((warning) => warning.setting)).toEqual(["toolChoice"]);
    expect(build({ toolChoice: { type: "none" } }).warnings).toEqual([]);
  });

  it("maps the user to metadata.user_id", () => {
    expect(build({ user: "user-42" }).body.metadata).toEqual({ user_id: "user-42" });
  });

  it("asks for structured output with output_config for a JSON schema", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const plan = build({ responseFormat: { type: "json_schema", name: "reply", schema } });
    expect(plan.body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(plan.warnings).toEqual([]);
  });

  it("asks for a JSON object by system instruction, after the caller's system text", () => {
    const plan = buildAnthropicRequest({
      options: { prompt: [{ role: "system", content: "Be brief." }, ...prompt], responseFormat: { type: "json_object" } },
      modelId: "claude-test",
      stream: false,
    });
    expect(plan.body.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: JSON_OBJECT_INSTRUCTION },
    ]);
    expect(plan.warnings.map((warning) => warning.setting)).toEqual(["responseFormat"]);
  });

  describe("with reasoning", () => {
    it("enables thinking with a budget below max_tokens", () => {
      const plan = build({ reasoning: { effort: "medium" }, maxOutputTokens: 10_000 });
      expect(plan.body.thinking).toEqual({ type: "enabled", budget_tokens: 5000 });
      expect(plan.body.max_tokens).toBe(10_000);
      expect(plan.warnings).toEqual([]);
      expect(plan.excludeReasoning).toBe(false);
    });

    it("raises max_tokens above the budget, and says so when the caller had set it", () => {
      const plan = build({ reasoning: { maxTokens: 3000 }, maxOutputTokens: 1000 });
      expect(plan.body.thinking).toEqual({ type: "enabled", budget_tokens: 3000 });
      expect(plan.body.max_tokens).toBe(4000);
      expect(plan.warnings.map((warning) => warning.setting)).toEqual(["maxOutputTokens"]);
    });

    it("drops temperature and top_k, and a top_p below 0.95, with warnings", () => {
      const plan = build({ reasoning: { enabled: true }, temperature: 0.2, topK: 5, topP: 0.5 });
      expect(plan.body).not.toHaveProperty("temperature");
      expect(plan.body).not.toHaveProperty("top_k");
      expect(plan.body).not.toHaveProperty("top_p");
      expect(plan.warnings.map((warning) => warning.setting)).toEqual(["temperature", "topK", "topP"]);
      expect(build({ reasoning: { enabled: true }, topP: 0.97 }).body.top_p).toBe(0.97);
    });

    it("turns thinking off when a tool call is forced", () => {
      const plan = build({ reasoning: { effort: "high" }, tools: [tool], toolChoice: { type: "tool", toolName: "lookup" } });
      expect(plan.body.thinking).toBeUndefined();
      expect(plan.body.tool_choice).toEqual({ type: "tool", name: "lookup" });
      expect(plan.warnings.map((warning) => warning.setting)).toEqual(["reasoning"]);
    });

    it("turns thinking off when the tool turn in progress has no signed thinking block", () => {
      const loop: Prompt = [
        ...prompt,
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "toolu_1", toolName: "lookup", input: "{}" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", output: "found" }] },
      ];
      const unsigned = build({ prompt: loop, tools: [tool], reasoning: { effort: "low" } });
      expect(unsigned.body.thinking).toBeUndefined();
      expect(unsigned.warnings.map((warning) => warning.setting)).toEqual(["reasoning"]);

      const signed: Prompt = [
        loop[0]!,
        {
          role: "assistant",
          content: [{ type: "reasoning", text: "plan", signature: "sig" }, { type: "tool-call", toolCallId: "toolu_1", toolName: "lookup", input: "{}" }],
        },
        loop[2]!,
      ];
      expect(build({ prompt: signed, tools: [tool], reasoning: { effort: "low" } }).body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    });

    it("remembers that reasoning is to be excluded from the output", () => {
      expect(build({ reasoning: { effort: "low", exclude: true } }).excludeReasoning).toBe(true);
      expect(build({ reasoning: { exclude: true } }).excludeReasoning).toBe(false);
    });
  });
});

describe("convertToolChoice", () => {
  const cases: Array<[ToolChoice | undefined, boolean | undefined, unknown]> = [
    [undefined, undefined, undefined],
    [undefined, true, undefined],
    [undefined, false, { type: "auto", disable_parallel_tool_use: true }],
    [{ type: "auto" }, undefined, { type: "auto" }],
    [{ type: "required" }, undefined, { type: "any" }],
    [{ type: "required" }, false, { type: "any", disable_parallel_tool_use: true }],
    [{ type: "tool", toolName: "f" }, undefined, { type: "tool", name: "f" }],
    [{ type: "tool", toolName: "f" }, false, { type: "tool", name: "f", disable_parallel_tool_use: true }],
    [{ type: "none" }, false, { type: "none" }],
  ];
  it.each(cases)("%j with parallelToolCalls %s → %j", (choice, parallel, expected) => {
    expect(convertToolChoice(choice, parallel)).toEqual(expected);
  });
});

describe("wantsThinking", () => {
  const cases: Array<[ReasoningOptions | undefined, boolean]> = [
    [undefined, false],
    [{}, false],
    [{ exclude: true }, false],
    [{ enabled: true }, true],
    [{ effort: "low" }, true],
    [{ maxTokens: 2000 }, true],
    [{ effort: "high", enabled: false }, false],
  ];
  it.each(cases)("%j → %s", (reasoning, expected) => {
    expect(wantsThinking(reasoning)).toBe(expected);
  });
});

describe("planThinking", () => {
  const cases: Array<[ReasoningOptions, number, { budgetTokens: number; maxTokens: number; raised: boolean }]> = [
    [{ effort: "high" }, 10_000, { budgetTokens: 8000, maxTokens: 10_000, raised: false }],
    [{ effort: "medium" }, 10_000, { budgetTokens: 5000, maxTokens: 10_000, raised: false }],
    [{ effort: "low" }, 10_000, { budgetTokens: 2000, maxTokens: 10_000, raised: false }],
    [{ effort: "minimal" }, 10_000, { budgetTokens: 1024, maxTokens: 10_000, raised: false }],
    [{ enabled: true }, 4096, { budgetTokens: 2048, maxTokens: 4096, raised: false }],
    [{ effort: "high" }, 100_000, { budgetTokens: 32_000, maxTokens: 100_000, raised: false }],
    [{ effort: "high" }, 1000, { budgetTokens: 1024, maxTokens: 2024, raised: true }],
    [{ maxTokens: 500 }, 4096, { budgetTokens: 1024, maxTokens: 4096, raised: false }],
    [{ maxTokens: 50_000 }, 4096, { budgetTokens: 50_000, maxTokens: 54_096, raised: true }],
    [{ maxTokens: 4096 }, 4096, { budgetTokens: 4096, maxTokens: 8192, raised: true }],
  ];
  it.each(cases)("%j with max_tokens %i → %j", (reasoning, maxTokens, expected) => {
    expect(planThinking(reasoning, maxTokens)).toEqual(expected);
  });
});
