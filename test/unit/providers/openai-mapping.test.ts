import { describe, expect, it } from "vitest";
import type { Prompt, Usage } from "../../../src/core/index.js";
import { convertOpenAIUsage } from "../../../src/providers/openai/convert-openai-usage.js";
import { convertToOpenAIMessages, type ConvertMessagesOptions } from "../../../src/providers/openai/convert-to-openai-messages.js";
import { mapOpenAIFinishReason } from "../../../src/providers/openai/map-openai-finish-reason.js";
import type { OpenAIMessage, OpenAIUsage } from "../../../src/providers/openai/openai-api.js";

const OPENAI: ConvertMessagesOptions = { systemRole: "system", imageDetail: true };

describe("convertToOpenAIMessages", () => {
  const cases: Array<{ name: string; prompt: Prompt; options?: Partial<ConvertMessagesOptions>; expected: OpenAIMessage[] }> = [
    {
      name: "system and a single text part become plain strings",
      prompt: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hi" }] },
      ],
      expected: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    },
    {
      name: "system becomes developer for reasoning models",
      prompt: [{ role: "system", content: "Be brief." }],
      options: { systemRole: "developer" },
      expected: [{ role: "developer", content: "Be brief." }],
    },
    {
      name: "images by URL keep their detail; base64 images become data URLs",
      prompt: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", image: { kind: "url", url: "https://example.com/a.png" }, detail: "low" },
            { type: "image", image: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
          ],
        },
      ],
      expected: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
      ],
    },
    {
      name: "image detail is dropped for servers that refuse it",
      prompt: [{ role: "user", content: [{ type: "image", image: { kind: "url", url: "https://x/y.png" }, detail: "high" }] }],
      options: { imageDetail: false },
      expected: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }],
    },
    {
      name: "assistant tool calls with null content, then one tool message per result",
      prompt: [
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "thinking" },
            { type: "tool-call", toolCallId: "call_1", toolName: "f", input: '{"a":1}' },
            { type: "tool-call", toolCallId: "call_2", toolName: "g", input: "{}" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "call_1", toolName: "f", output: "one" },
            { type: "tool-result", toolCallId: "call_2", output: "two" },
          ],
        },
      ],
      expected: [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
            { id: "call_2", type: "function", function: { name: "g", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "one" },
        { role: "tool", tool_call_id: "call_2", content: "two" },
      ],
    },
    {
      name: "assistant text parts are joined; earlier reasoning goes back only when the dialect asks",
      prompt: [
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "Because" },
            { type: "text", text: "Hello " },
            { type: "text", text: "world" },
          ],
        },
      ],
      options: { assistantReasoningField: "reasoning_content" },
      expected: [{ role: "assistant", content: "Hello world", reasoning_content: "Because" }],
    },
    {
      name: "an assistant message with no text and no tool calls keeps an empty string",
      prompt: [{ role: "assistant", content: [] }],
      expected: [{ role: "assistant", content: "" }],
    },
    {
      name: "tool call ids are rewritten consistently when the dialect asks",
      prompt: [
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "call_abc", toolName: "f", input: "{}" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_abc", output: "ok" }] },
      ],
      options: { rewriteToolCallId: (id) => id.toUpperCase() },
      expected: [
        { role: "assistant", content: null, tool_calls: [{ id: "CALL_ABC", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "CALL_ABC", content: "ok" },
      ],
    },
  ];
  it.each(cases)("$name", ({ prompt, options, expected }) => {
    expect(convertToOpenAIMessages(prompt, { ...OPENAI, ...options })).toEqual(expected);
  });
});

describe("mapOpenAIFinishReason", () => {
  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool-calls"],
    ["function_call", "tool-calls"],
    ["content_filter", "content-filter"],
    ["eos", "stop"],
    ["model_length", "length"],
    ["error", "error"],
    ["something_new", "other"],
  ] as const)("%s → %s", (raw, unified) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified, raw });
  });
  it("keeps an absent reason unknown", () => {
    expect(mapOpenAIFinishReason(null)).toEqual({ unified: "other", raw: undefined });
    expect(mapOpenAIFinishReason(undefined)).toEqual({ unified: "other", raw: undefined });
  });
});

describe("convertOpenAIUsage", () => {
  const unknown: Usage = {
    inputTokens: { total: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, reasoning: undefined },
  };
  const cases: Array<{ name: string; usage: OpenAIUsage | null | undefined; expected: Usage }> = [
    { name: "no usage stays unknown", usage: undefined, expected: unknown },
    { name: "null usage stays unknown", usage: null, expected: unknown },
    {
      name: "plain counts without details",
      usage: { prompt_tokens: 10, completion_tokens: 5 },
      expected: { inputTokens: { total: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 5, reasoning: undefined } },
    },
    {
      name: "cached, cache-write and reasoning details are subsets",
      usage: {
        prompt_tokens: 100,
        completion_tokens: 40,
        prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 30 },
      },
      expected: { inputTokens: { total: 100, cacheRead: 60, cacheWrite: 20 }, outputTokens: { total: 40, reasoning: 30 } },
    },
    {
      name: "zeros are kept as zeros, not unknown",
      usage: { prompt_tokens: 0, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
      expected: { inputTokens: { total: 0, cacheRead: 0, cacheWrite: undefined }, outputTokens: { total: 0, reasoning: 0 } },
    },
    {
      name: "DeepSeek's cache-hit count",
      usage: { prompt_tokens: 50, completion_tokens: 5, prompt_cache_hit_tokens: 32 },
      expected: { inputTokens: { total: 50, cacheRead: 32, cacheWrite: undefined }, outputTokens: { total: 5, reasoning: undefined } },
    },
  ];
  it.each(cases)("$name", ({ usage, expected }) => {
    expect(convertOpenAIUsage(usage)).toEqual(expected);
  });
});
