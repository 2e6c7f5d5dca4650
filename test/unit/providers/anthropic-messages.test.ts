import { describe, expect, it } from "vitest";
import type { Prompt } from "../../../src/core/index.js";
import type { AnthropicMessageParam } from "../../../src/providers/anthropic/anthropic-api.js";
import { convertToAnthropicMessages, imageSource, parseToolInput } from "../../../src/providers/anthropic/convert-to-anthropic-messages.js";

const user = (text: string): Prompt[number] => ({ role: "user", content: [{ type: "text", text }] });

describe("convertToAnthropicMessages", () => {
  const cases: Array<{ name: string; prompt: Prompt; system?: string[]; messages: AnthropicMessageParam[] }> = [
    {
      name: "hoists every system message, wherever it is, into top-level system blocks",
      prompt: [{ role: "system", content: "Be brief." }, user("Hi"), { role: "system", content: "Answer in French." }, user("Again")],
      system: ["Be brief.", "Answer in French."],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "text", text: "Again" }] }],
    },
    {
      name: "merges consecutive turns of the same role",
      prompt: [
        user("a"),
        user("b"),
        { role: "assistant", content: [{ type: "text", text: "c" }] },
        { role: "assistant", content: [{ type: "text", text: "d" }] },
        user("e"),
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "assistant", content: [{ type: "text", text: "c" }, { type: "text", text: "d" }] },
        { role: "user", content: [{ type: "text", text: "e" }] },
      ],
    },
    {
      name: "sends tool calls as tool_use with an object input and tool results as user tool_result blocks, results first",
      prompt: [
        user("Weather?"),
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool-call", toolCallId: "toolu_1", toolName: "get_weather", input: '{"city":"Paris"}' },
            { type: "tool-call", toolCallId: "toolu_2", toolName: "get_weather", input: '{"city":"Rome"}' },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", output: "18°C" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_2", output: "" }] },
        user("And tomorrow?"),
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
            { type: "tool_result", tool_use_id: "toolu_2" },
            { type: "text", text: "And tomorrow?" },
          ],
        },
      ],
    },
    {
      name: "passes signed reasoning back as thinking, and redacted reasoning as redacted_thinking",
      prompt: [
        user("Think"),
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "Hmm.", signature: "sig-1" },
            { type: "reasoning", text: "", signature: "redacted_thinking:opaque" },
            { type: "text", text: "Done." },
          ],
        },
        user("More"),
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Think" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Hmm.", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "Done." },
          ],
        },
        { role: "user", content: [{ type: "text", text: "More" }] },
      ],
    },
    {
      name: "drops empty text blocks and the messages they leave empty",
      prompt: [user("Hi"), { role: "assistant", content: [{ type: "text", text: "  " }] }, user(""), user("there")],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "text", text: "there" }] }],
    },
    {
      name: "trims trailing whitespace off a final assistant prefill",
      prompt: [user("Start a list"), { role: "assistant", content: [{ type: "text", text: "1. " }] }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Start a list" }] },
        { role: "assistant", content: [{ type: "text", text: "1." }] },
      ],
    },
    {
      name: "sends images by URL and as base64",
      prompt: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", image: { kind: "url", url: "https://example.com/a.png" } },
            { type: "image", image: { kind: "base64", mediaType: "image/jpeg", data: "QUJD" } },
            { type: "image", image: { kind: "url", url: "data:image/png;base64,iVBORw0KGgo=" }, detail: "high" },
          ],
        },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "QUJD" } },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
    },
  ];

  it.each(cases)("$name", ({ prompt, system, messages }) => {
    const result = convertToAnthropicMessages(prompt);
    expect(result.system).toEqual(system?.map((text) => ({ type: "text", text })));
    expect(result.messages).toEqual(messages);
    expect(result.warnings).toEqual([]);
  });

  it("leaves out reasoning without a signature (another provider's), with a warning", () => {
    const result = convertToAnthropicMessages([
      user("Think"),
      { role: "assistant", content: [{ type: "reasoning", text: "unsigned" }, { type: "text", text: "Answer" }] },
    ]);
    expect(result.messages[1]).toEqual({ role: "assistant", content: [{ type: "text", text: "Answer" }] });
    expect(result.warnings).toHaveLength(1);
  });
});

describe("prompt-cache breakpoints", () => {
  it("puts the caller's cache_control on the system block and on the marked user text block only", () => {
    const result = convertToAnthropicMessages([
      { role: "system", content: "A long, stable system prompt", cacheControl: { type: "ephemeral", ttl: "1h" } },
      {
        role: "user",
        content: [
          { type: "text", text: "A long document", cacheControl: { type: "ephemeral" } },
          { type: "text", text: "The question" },
        ],
      },
    ]);
    expect(result.system).toEqual([{ type: "text", text: "A long, stable system prompt", cache_control: { type: "ephemeral", ttl: "1h" } }]);
    expect(result.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "A long document", cache_control: { type: "ephemeral" } }, { type: "text", text: "The question" }] },
    ]);
  });
});

describe("imageSource", () => {
  it.each([
    ["https://example.com/cat.webp", { type: "url", url: "https://example.com/cat.webp" }],
    ["data:image/gif;base64,R0lGOD", { type: "base64", media_type: "image/gif", data: "R0lGOD" }],
    ["data:image/png;name=x.png;base64,AAAA", { type: "base64", media_type: "image/png", data: "AAAA" }],
    ["data:image/svg+xml,%3Csvg%3E", { type: "base64", media_type: "image/svg+xml", data: Buffer.from("<svg>").toString("base64") }],
  ])("%s", (url, source) => {
    expect(imageSource({ type: "image", image: { kind: "url", url } })).toEqual(source);
  });
});

describe("parseToolInput", () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ["{}", {}],
    ["", {}],
    ['{"a":', {}],
    ["[1,2]", {}],
    ["42", {}],
  ])("%j → %j", (input, expected) => {
    expect(parseToolInput(input)).toEqual(expected);
  });
});
