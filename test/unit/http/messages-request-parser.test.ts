import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import { parseMessagesRequest } from "../../../src/http/anthropic/messages-request-parser.js";

/** Anthropic Messages requests → the core's call options, table by table. */

const base = { model: "anthropic/claude-haiku-4.5", max_tokens: 2048, messages: [{ role: "user", content: "hi" }] };

function refusal(body: unknown): { message: string; field: unknown } {
  try {
    parseMessagesRequest(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.kind).toBe("invalid_request");
    return { message: error.message, field: error.metadata?.field };
  }
  throw new Error("expected a refusal");
}

describe("parseMessagesRequest", () => {
  it("maps the model list: model, then models or fallbacks, without repeats", () => {
    expect(parseMessagesRequest({ ...base, models: ["a/b", "anthropic/claude-haiku-4.5"] }).models).toEqual(["anthropic/claude-haiku-4.5", "a/b"]);
    expect(parseMessagesRequest({ ...base, fallbacks: [{ model: "c/d" }] }).models).toEqual(["anthropic/claude-haiku-4.5", "c/d"]);
    expect(refusal({ ...base, models: ["a/b"], fallbacks: [{ model: "c/d" }] }).field).toBe("fallbacks");
    expect(refusal({ ...base, fallbacks: [{ model: "a" }, { model: "b" }, { model: "c" }, { model: "d" }] }).field).toBe("fallbacks");
    expect(refusal({ max_tokens: 5, messages: base.messages }).field).toBe("model");
  });

  it.each([
    [{ ...base, max_tokens: 0 }, "max_tokens"],
    [{ ...base, messages: [] }, "messages"],
    [{ ...base, messages: [{ role: "system", content: "x" }] }, "messages[0].role"],
    [{ ...base, temperature: 1.5 }, "temperature"],
    [{ ...base, thinking: { type: "enabled", budget_tokens: 512 } }, "thinking.budget_tokens"],
    [{ ...base, thinking: { type: "enabled", budget_tokens: 4096 } }, "thinking.budget_tokens"],
    [{ ...base, tool_choice: { type: "tool", name: "nope" } }, "tool_choice.name"],
    [{ ...base, tools: [{ type: "web_search_20250305", name: "web_search" }] }, "tools[0].type"],
    [{ ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/tiff", data: "x" } }] }] }, "messages[0].content[0].source.media_type"],
    [{ ...base, messages: [{ role: "user", content: [] }] }, "messages[0].content"],
  ])("refuses %j naming %s", (body, field) => {
    expect(refusal(body).field).toBe(field);
  });

  it("turns system blocks, cache marks, images, documents and text into the core prompt", () => {
    const request = parseMessagesRequest({
      ...base,
      system: [{ type: "text", text: "One." }, { type: "text", text: "Two.", cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "cG5n" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" }, title: "a.pdf" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
            { type: "text", text: "Read these." },
          ],
        },
      ],
      cache_control: { type: "ephemeral" },
    });
    expect(request.apiType).toBe("messages");
    expect(request.options.prompt).toEqual([
      { role: "system", content: "One.\nTwo.", cacheControl: { type: "ephemeral", ttl: "1h" } },
      {
        role: "user",
        content: [
          { type: "image", image: { kind: "url", url: "https://example.com/a.png" } },
          { type: "image", image: { kind: "base64", mediaType: "image/png", data: "cG5n" } },
          { type: "file", mediaType: "application/pdf", file: { kind: "base64", data: "JVBE" }, filename: "a.pdf" },
          { type: "file", mediaType: "text/plain", file: { kind: "base64", data: Buffer.from("notes").toString("base64") } },
          // The top-level (automatic) breakpoint lands on the last user text.
          { type: "text", text: "Read these.", cacheControl: { type: "ephemeral" } },
        ],
      },
    ]);
  });

  it("puts a turn's tool results first as a tool message, names them from the earlier call, and keeps signed thinking", () => {
    const request = parseMessagesRequest({
      ...base,
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Use the tool.", signature: "sig-1" },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "And then?" },
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "Sunny" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "cG5n" } }] },
            { type: "tool_result", tool_use_id: "toolu_2", content: "boom", is_error: true },
          ],
        },
      ],
    });
    expect(request.options.prompt.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Use the tool.", signature: "sig-1" },
          { type: "tool-call", toolCallId: "toolu_1", toolName: "get_weather", input: '{"city":"Paris"}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "toolu_1", toolName: "get_weather", output: "Sunny" },
          { type: "tool-result", toolCallId: "toolu_2", output: "Error: boom" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "And then?" }, { type: "image", image: { kind: "base64", mediaType: "image/png", data: "cG5n" } }] },
    ]);
  });

  it("reads redacted thinking as redacted reasoning, a text-less thinking block right after a tool_use as that call's signature, and any other as reasoning", () => {
    const request = parseMessagesRequest({
      ...base,
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "hidden" },
            { type: "thinking", thinking: "", signature: "opaque" },
            { type: "tool_use", id: "t1", name: "f", input: {} },
            { type: "thinking", thinking: "", signature: "call-signature" },
          ],
        },
      ],
    });
    expect(request.options.prompt[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "", signature: "redacted_thinking:hidden" },
        { type: "reasoning", text: "", signature: "opaque" },
        { type: "tool-call", toolCallId: "t1", toolName: "f", input: "{}", signature: "call-signature" },
      ],
    });
  });

  it.each([
    [{ type: "auto" }, { type: "auto" }, undefined],
    [{ type: "any", disable_parallel_tool_use: true }, { type: "required" }, false],
    [{ type: "none" }, { type: "none" }, undefined],
    [{ type: "tool", name: "get_weather" }, { type: "tool", toolName: "get_weather" }, undefined],
  ])("maps tool_choice %j", (choice, expected, parallel) => {
    const tools = [{ name: "get_weather", input_schema: { type: "object" } }];
    const request = parseMessagesRequest({ ...base, tools, tool_choice: choice });
    expect(request.options.toolChoice).toEqual(expected);
    expect(request.options.parallelToolCalls).toBe(parallel);
    expect(request.options.tools).toEqual([{ name: "get_weather", parameters: { type: "object" } }]);
    expect(request.usedParameters).toEqual(expect.arrayContaining(["tools", "tool_choice", "max_tokens"]));
  });

  it.each([
    [{ thinking: { type: "enabled", budget_tokens: 1024 } }, { enabled: true, maxTokens: 1024 }],
    [{ thinking: { type: "disabled" } }, { enabled: false }],
    [{ thinking: { type: "adaptive" }, output_config: { effort: "max" } }, { enabled: true, effort: "high" }],
    [{ output_config: { effort: "low" } }, { effort: "low" }],
    [{}, undefined],
  ])("maps thinking and effort %j", (extra, expected) => {
    expect(parseMessagesRequest({ ...base, ...extra }).options.reasoning).toEqual(expected);
  });

  it("takes a request without max_tokens (OpenRouter's extension), leaving the output to the endpoint's maximum", () => {
    const request = parseMessagesRequest({ ...base, max_tokens: undefined, user: "u-2", thinking: { type: "enabled", budget_tokens: 5000 } });
    expect(request.options.maxOutputTokens).toBeUndefined();
    expect(request.options.reasoning).toEqual({ enabled: true, maxTokens: 5000 });
    expect(request.user).toBe("u-2");
  });

  it("maps sampling, stop sequences, structured output, metadata and provider preferences", () => {
    const request = parseMessagesRequest({
      ...base,
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ["###"],
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
      metadata: { user_id: "u-1" },
      provider: { order: ["anthropic"], allow_fallbacks: false },
    });
    expect(request.stream).toBe(true);
    expect(request.options).toMatchObject({ maxOutputTokens: 2048, temperature: 0.2, topP: 0.9, topK: 5, stopSequences: ["###"], user: "u-1" });
    expect(request.options.responseFormat).toEqual({ type: "json_schema", name: "output", schema: { type: "object" } });
    expect(request.user).toBe("u-1");
    expect(request.provider).toMatchObject({ order: ["anthropic"], allowFallbacks: false });
  });
});
