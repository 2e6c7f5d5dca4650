import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../../src/core/index.js";
import { GatewayError } from "../../../src/core/index.js";
import { transformOpenAIChatStream } from "../../../src/providers/openai/openai-chat-stream.js";
import type { ServerSentEvent } from "../../../src/providers/shared/post-event-stream.js";

async function* eventsOf(data: Array<string | Record<string, unknown>>, failure?: Error): AsyncGenerator<ServerSentEvent> {
  for (const item of data) yield { event: undefined, data: typeof item === "string" ? item : JSON.stringify(item) };
  if (failure !== undefined) throw failure;
}

async function run(data: Array<string | Record<string, unknown>>, options: { includeReasoning?: boolean; failure?: Error } = {}): Promise<StreamPart[]> {
  let next = 0;
  const parts: StreamPart[] = [];
  const stream = transformOpenAIChatStream({
    events: eventsOf(data, options.failure),
    provider: "openai",
    generateId: () => `gen${(next += 1)}`,
    warnings: [],
    includeReasoning: options.includeReasoning ?? true,
  });
  for await (const part of stream) parts.push(part);
  return parts;
}

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-x",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  ...extra,
});
const usageChunk = {
  id: "chatcmpl-1",
  choices: [],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 }, completion_tokens_details: { reasoning_tokens: 1 } },
};
const USAGE = { inputTokens: { total: 10, cacheRead: 2, cacheWrite: undefined }, outputTokens: { total: 5, reasoning: 1 } };

describe("transformOpenAIChatStream", () => {
  it("turns the canonical text + tool call stream into parts", async () => {
    const parts = await run([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({}, "tool_calls"),
      usageChunk,
      "[DONE]",
    ]);
    expect(parts).toEqual([
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", id: "chatcmpl-1", modelId: "gpt-x" },
      { type: "text-delta", delta: "Hel" },
      { type: "tool-input-start", toolCallId: "call_1", toolName: "get_weather" },
      { type: "tool-input-delta", toolCallId: "call_1", delta: '{"city":' },
      { type: "tool-input-delta", toolCallId: "call_1", delta: '"Paris"}' },
      { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}' },
      { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: USAGE },
    ]);
  });

  it("keeps parallel tool calls apart by index", async () => {
    const parts = await run([
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{" } }] }),
      chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }, { index: 1, function: { arguments: "{}" } }] }),
      chunk({}, "tool_calls"),
      "[DONE]",
    ]);
    expect(parts.filter((part) => part.type === "tool-call")).toEqual([
      { type: "tool-call", toolCallId: "a", toolName: "f", input: "{}" },
      { type: "tool-call", toolCallId: "b", toolName: "g", input: "{}" },
    ]);
  });

  it("accepts whole tool calls without index or id (Mistral, some local servers)", async () => {
    const parts = await run([
      chunk({ tool_calls: [{ function: { name: "f", arguments: '{"a":1}' } }, { id: "x2", function: { name: "g", arguments: "" } }] }),
      chunk({}, "tool_calls", { usage: usageChunk.usage }),
    ]);
    expect(parts.filter((part) => part.type === "tool-call")).toEqual([
      { type: "tool-call", toolCallId: "call_gen1", toolName: "f", input: '{"a":1}' },
      { type: "tool-call", toolCallId: "x2", toolName: "g", input: "{}" },
    ]);
    expect(parts.at(-1)).toEqual({ type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: USAGE });
  });

  it("streams reasoning from either vendor field, unless excluded", async () => {
    const data = [chunk({ reasoning_content: "Think" }), chunk({ reasoning: "ing" }), chunk({ content: "Done" }), chunk({}, "stop"), "[DONE]"];
    const parts = await run(data);
    expect(parts.filter((part) => part.type === "reasoning-delta").map((part) => (part.type === "reasoning-delta" ? part.delta : ""))).toEqual(["Think", "ing"]);
    const excluded = await run(data, { includeReasoning: false });
    expect(excluded.some((part) => part.type === "reasoning-delta")).toBe(false);
  });

  it("ignores unknown fields such as obfuscation, and null usage", async () => {
    const parts = await run([chunk({ content: "A" }, null, { obfuscation: "xyz", usage: null }), chunk({}, "stop"), "[DONE]"]);
    expect(parts.at(-1)).toEqual({
      type: "finish",
      finishReason: { unified: "stop", raw: "stop" },
      usage: { inputTokens: { total: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, reasoning: undefined } },
    });
  });

  it("ends with an error part on an error chunk, and sends no finish", async () => {
    const parts = await run([chunk({ content: "A" }), { error: { message: "Upstream overloaded", type: "server_error", param: null, code: "upstream_overloaded" } }]);
    const last = parts.at(-1);
    expect(last?.type).toBe("error");
    expect(last?.type === "error" ? last.error.metadata : undefined).toMatchObject({ raw: "Upstream overloaded", provider_code: "upstream_overloaded" });
    expect(parts.some((part) => part.type === "finish")).toBe(false);
  });

  it("ends with an error part on a malformed chunk", async () => {
    const parts = await run([chunk({ content: "A" }), "{not json", chunk({}, "stop")]);
    expect(parts.map((part) => part.type)).toEqual(["stream-start", "response-metadata", "text-delta", "error"]);
  });

  it("ends with an error part when the connection breaks", async () => {
    const parts = await run([chunk({ content: "A" })], { failure: new GatewayError("provider_unavailable", "socket hang up") });
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { message: "socket hang up" } });
  });

  it("ends with an error part when the stream stops before finishing", async () => {
    const parts = await run([chunk({ content: "A" })]);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable" } });
  });

  it("finishes with an unknown reason when [DONE] comes without finish_reason", async () => {
    const parts = await run([chunk({ content: "A" }), "[DONE]"]);
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "other", raw: undefined } });
  });
});
