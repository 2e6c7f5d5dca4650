import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../../src/core/index.js";
import { transformAnthropicStream } from "../../../src/providers/anthropic/anthropic-chat-stream.js";
import type { ServerSentEvent } from "../../../src/providers/shared/post-event-stream.js";

/** Named events as Anthropic sends them; the `event:` name repeats the data's `type`. */
function sse(...payloads: Array<Record<string, unknown>>): ServerSentEvent[] {
  return payloads.map((payload) => ({ event: String(payload.type), data: JSON.stringify(payload) }));
}

async function run(events: Iterable<ServerSentEvent> | AsyncIterable<ServerSentEvent>, excludeReasoning = false): Promise<StreamPart[]> {
  async function* source() {
    yield* events;
  }
  const parts: StreamPart[] = [];
  for await (const part of transformAnthropicStream({ events: source(), provider: "anthropic", warnings: [], excludeReasoning })) parts.push(part);
  return parts;
}

const messageStart = {
  type: "message_start",
  message: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [],
    model: "claude-opus-4-8",
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 11, output_tokens: 1, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 },
  },
};
const stop = (reason: string, outputTokens: number) => ({
  type: "message_delta",
  delta: { stop_reason: reason, stop_sequence: null },
  usage: { output_tokens: outputTokens },
});

describe("transformAnthropicStream", () => {
  it("turns the documented text stream into metadata, text deltas and one finish with merged usage", async () => {
    const parts = await run([
      ...sse(messageStart, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      { event: "ping", data: '{"type": "ping"}' },
      ...sse(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " there" } },
        { type: "content_block_stop", index: 0 },
        stop("end_turn", 6),
        { type: "message_stop" },
      ),
    ]);
    expect(parts).toEqual([
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", id: "msg_1", modelId: "claude-opus-4-8" },
      { type: "text-delta", delta: "Hello" },
      { type: "text-delta", delta: " there" },
      {
        type: "finish",
        finishReason: { unified: "stop", raw: "end_turn" },
        usage: { inputTokens: { total: 17, cacheRead: 4, cacheWrite: 2 }, outputTokens: { total: 6, reasoning: undefined } },
      },
    ]);
  });

  it("streams a tool call: start, argument deltas (skipping the empty first one), then the complete call", async () => {
    const parts = await run(
      sse(
        messageStart,
        { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"locati' } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: 'on": "Paris"}' } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_2", name: "now", input: {} } },
        { type: "content_block_stop", index: 1 },
        stop("tool_use", 65),
        { type: "message_stop" },
      ),
    );
    expect(parts.slice(2, -1)).toEqual([
      { type: "tool-input-start", toolCallId: "toolu_1", toolName: "get_weather" },
      { type: "tool-input-delta", toolCallId: "toolu_1", delta: '{"locati' },
      { type: "tool-input-delta", toolCallId: "toolu_1", delta: 'on": "Paris"}' },
      { type: "tool-call", toolCallId: "toolu_1", toolName: "get_weather", input: '{"location": "Paris"}' },
      { type: "tool-input-start", toolCallId: "toolu_2", toolName: "now" },
      { type: "tool-call", toolCallId: "toolu_2", toolName: "now", input: "{}" },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls", raw: "tool_use" } });
  });

  it("streams thinking with its signature, and redacted thinking as an opaque signature", async () => {
    const events = sse(
      messageStart,
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Simple" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "c2ln" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data: "opaque" } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Hi" } },
      { type: "content_block_stop", index: 2 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 30, output_tokens_details: { thinking_tokens: 20 } } },
      { type: "message_stop" },
    );
    const parts = await run(events);
    expect(parts.slice(2, -1)).toEqual([
      { type: "reasoning-delta", delta: "Simple" },
      { type: "reasoning-delta", delta: "", signature: "c2ln" },
      { type: "reasoning-delta", delta: "", signature: "redacted_thinking:opaque" },
      { type: "text-delta", delta: "Hi" },
    ]);
    expect(parts.at(-1)).toMatchObject({ usage: { outputTokens: { total: 30, reasoning: 20 } } });

    const excluded = await run(events, true);
    expect(excluded.filter((part) => part.type === "reasoning-delta")).toEqual([]);
    expect(excluded.filter((part) => part.type === "text-delta")).toHaveLength(1);
  });

  it("skips event, block and delta types it does not know", async () => {
    const parts = await run(
      sse(
        messageStart,
        { type: "content_block_start", index: 0, content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation: {} } },
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "ok" } },
        { type: "content_block_stop", index: 1 },
        { type: "brand_new_event", anything: true },
        stop("end_turn", 2),
        { type: "message_stop" },
      ),
    );
    expect(parts.slice(2).map((part) => part.type)).toEqual(["text-delta", "finish"]);
  });

  it("ends with an error part on an error event after a 200", async () => {
    const parts = await run([
      ...sse(messageStart),
      { event: "error", data: '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_overloaded", retryable: true } });
    expect(parts.some((part) => part.type === "finish")).toBe(false);
  });

  it("ends with an error part on a malformed event", async () => {
    const bad = await run([...sse(messageStart), { event: "content_block_delta", data: "{not json" }]);
    expect(bad.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable" } });
    const wrongShape = await run(sse(messageStart, { type: "content_block_delta", index: 0, delta: { type: "text_delta" } }));
    expect(wrongShape.at(-1)).toMatchObject({ type: "error" });
  });

  it("ends with a retryable error part when the stream stops before message_stop", async () => {
    const parts = await run(sse(messageStart, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable", retryable: true } });
  });

  it("ends with an error part, not a throw, when reading the stream fails", async () => {
    async function* broken(): AsyncGenerator<ServerSentEvent> {
      yield* sse(messageStart);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    }
    const parts = await run(broken());
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { kind: "provider_unavailable", retryable: true } });
  });
});
