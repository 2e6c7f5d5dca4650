import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../../src/core/index.js";
import type { ServerSentEvent } from "../../../src/providers/shared/post-event-stream.js";
import { convertGeminiResponse } from "../../../src/providers/gemini/convert-gemini-response.js";
import { transformGeminiStream } from "../../../src/providers/gemini/gemini-chat-stream.js";

function counter(): () => string {
  let next = 0;
  return () => String(++next);
}

async function run(events: unknown[], options: { failWith?: Error } = {}): Promise<StreamPart[]> {
  async function* source(): AsyncGenerator<ServerSentEvent> {
    for (const event of events) yield { event: undefined, data: typeof event === "string" ? event : JSON.stringify(event) };
    if (options.failWith !== undefined) throw options.failWith;
  }
  const parts: StreamPart[] = [];
  for await (const part of transformGeminiStream({ events: source(), provider: "google", generateId: counter(), warnings: [] })) parts.push(part);
  return parts;
}

const meta = { responseId: "r1", modelVersion: "gemini-2.5-flash" };

describe("transformGeminiStream", () => {
  it("text and thoughts, last usage wins, finish sent at the end", async () => {
    const parts = await run([
      { candidates: [{ content: { parts: [{ text: "Hmm", thought: true }], role: "model" } }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 }, ...meta },
      { candidates: [{ content: { parts: [{ text: "Hi" }], role: "model" } }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 }, ...meta },
      {
        candidates: [{ content: { parts: [{ text: " there" }], role: "model" }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, thoughtsTokenCount: 1, totalTokenCount: 8 },
        ...meta,
      },
    ]);
    expect(parts).toEqual([
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", id: "r1", modelId: "gemini-2.5-flash" },
      { type: "reasoning-delta", delta: "Hmm" },
      { type: "text-delta", delta: "Hi" },
      { type: "text-delta", delta: " there" },
      {
        type: "finish",
        finishReason: { unified: "stop", raw: "STOP" },
        usage: { inputTokens: { total: 5, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 3, reasoning: 1 } },
      },
    ]);
  });

  it("whole function calls become start, one delta and call, back to back, with invented ids; STOP → tool-calls", async () => {
    const parts = await run([
      {
        candidates: [
          {
            content: { parts: [{ functionCall: { name: "f", args: { a: 1 } } }, { functionCall: { name: "g" } }], role: "model" },
            finishReason: "STOP",
          },
        ],
        ...meta,
      },
    ]);
    expect(parts.slice(2)).toEqual([
      { type: "tool-input-start", toolCallId: "call_1", toolName: "f" },
      { type: "tool-input-delta", toolCallId: "call_1", delta: '{"a":1}' },
      { type: "tool-call", toolCallId: "call_1", toolName: "f", input: '{"a":1}' },
      { type: "tool-input-start", toolCallId: "call_2", toolName: "g" },
      { type: "tool-input-delta", toolCallId: "call_2", delta: "{}" },
      { type: "tool-call", toolCallId: "call_2", toolName: "g", input: "{}" },
      expect.objectContaining({ type: "finish", finishReason: { unified: "tool-calls", raw: "STOP" } }),
    ]);
  });

  it.each([
    ["an error event", [{ candidates: [{ content: { parts: [{ text: "a" }] } }] }, { error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } }], "provider_overloaded"],
    ["a malformed event", [{ candidates: [{ content: { parts: [{ text: "a" }] } }] }, "{not json"], "provider_unavailable"],
    ["a stream without finishReason", [{ candidates: [{ content: { parts: [{ text: "a" }] } }] }], "provider_unavailable"],
  ])("%s ends with an error part after the content", async (_name, events, kind) => {
    const parts = await run(events);
    expect(parts.at(-2)).toEqual({ type: "text-delta", delta: "a" });
    const last = parts.at(-1);
    expect(last?.type).toBe("error");
    expect(last?.type === "error" ? last.error.kind : undefined).toBe(kind);
  });

  it("a broken connection ends with an error part, not a throw", async () => {
    const parts = await run([{ candidates: [{ content: { parts: [{ text: "a" }] } }] }], { failWith: Object.assign(new Error("reset"), { code: "ECONNRESET" }) });
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable" } });
  });

  it("a blocked prompt finishes as content filter", async () => {
    const parts = await run([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 3 } }]);
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "content-filter", raw: "PROHIBITED_CONTENT" } });
  });
});

describe("convertGeminiResponse", () => {
  it("keeps part order, invents call ids, and reads usage and ids", () => {
    const result = convertGeminiResponse({
      response: {
        candidates: [
          {
            content: { parts: [{ text: "plan", thought: true }, { text: "Calling." }, { functionCall: { name: "f", args: { x: "y" } } }] },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, thoughtsTokenCount: 6, cachedContentTokenCount: 2 },
        ...meta,
      },
      generateId: counter(),
      warnings: [],
    });
    expect(result).toEqual({
      content: [
        { type: "reasoning", text: "plan" },
        { type: "text", text: "Calling." },
        { type: "tool-call", toolCallId: "call_1", toolName: "f", input: '{"x":"y"}' },
      ],
      finishReason: { unified: "tool-calls", raw: "STOP" },
      usage: { inputTokens: { total: 10, cacheRead: 2, cacheWrite: undefined }, outputTokens: { total: 10, reasoning: 6 } },
      responseId: "r1",
      modelId: "gemini-2.5-flash",
      warnings: [],
    });
  });

  it("an empty MAX_TOKENS candidate (no parts) is an empty answer cut for length", () => {
    const result = convertGeminiResponse({ response: { candidates: [{ content: {}, finishReason: "MAX_TOKENS" }] }, generateId: counter(), warnings: [] });
    expect(result.content).toEqual([]);
    expect(result.finishReason).toEqual({ unified: "length", raw: "MAX_TOKENS" });
  });
});
