import { describe, expect, it } from "vitest";
import { SERVED, completionResult } from "../../fixtures/completion-result.js";
import type { CompletionResult } from "../../../src/completions/completion-service.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { FinishReason } from "../../../src/core/finish-reason.js";
import type { StreamPart } from "../../../src/core/stream-parts.js";
import { anthropicErrorObject, toAnthropicErrorBody } from "../../../src/http/anthropic/anthropic-error-body.js";
import { anthropicStopReason, messageBody } from "../../../src/http/anthropic/messages-response.js";
import { MessagesStreamEvents } from "../../../src/http/anthropic/messages-stream-events.js";

/** The core's stream parts as Anthropic's SSE events, the stop-reason table and the error shape. */

const served = SERVED;

const result = completionResult;

/** `event` names and the interesting part of each event, for compact expectations. */
function run(parts: StreamPart[], finish: CompletionResult): Array<[string, unknown]> {
  const events = new MessagesStreamEvents(served);
  const all = [...events.start(), ...parts.flatMap((part) => events.add(part)), ...events.finish(finish)];
  return all.map(({ event, data }) => {
    expect(data.type).toBe(event);
    const { type: _type, ...rest } = data;
    return [event, event === "message_start" || event === "message_delta" ? undefined : rest];
  });
}

const stop: FinishReason = { unified: "stop", raw: "stop" };

describe("MessagesStreamEvents", () => {
  it("opens, fills and closes a block per kind of content, thinking ended by its signature", () => {
    const parts: StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "reasoning-delta", delta: "Hmm" },
      { type: "reasoning-delta", delta: "", signature: "sig" },
      { type: "text-delta", delta: "Hi" },
      { type: "text-delta", delta: " there" },
      { type: "finish", finishReason: stop, usage: { inputTokens: { total: 1, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 1, reasoning: undefined } } },
    ];
    expect(run(parts, result(stop))).toEqual([
      ["message_start", undefined],
      ["ping", {}],
      ["content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }],
      ["content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } }],
      ["content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "sig" } }],
      ["content_block_stop", { index: 0 }],
      ["content_block_start", { index: 1, content_block: { type: "text", text: "", citations: [] } }],
      ["content_block_delta", { index: 1, delta: { type: "text_delta", text: "Hi" } }],
      ["content_block_delta", { index: 1, delta: { type: "text_delta", text: " there" } }],
      ["content_block_stop", { index: 1 }],
      ["message_delta", undefined],
      ["message_stop", {}],
    ]);
  });

  it("streams redacted reasoning as a whole redacted_thinking block", () => {
    const parts: StreamPart[] = [
      { type: "reasoning-delta", delta: "", signature: "redacted_thinking:hidden" },
      { type: "text-delta", delta: "Hi" },
    ];
    expect(run(parts, result(stop)).slice(2, 5)).toEqual([
      ["content_block_start", { index: 0, content_block: { type: "redacted_thinking", data: "hidden" } }],
      ["content_block_stop", { index: 0 }],
      ["content_block_start", { index: 1, content_block: { type: "text", text: "", citations: [] } }],
    ]);
  });

  it("keeps interleaved tool calls in their own blocks, and gives a call that came whole a block of its own", () => {
    const parts: StreamPart[] = [
      { type: "tool-input-start", toolCallId: "a", toolName: "f" },
      { type: "tool-input-start", toolCallId: "b", toolName: "g" },
      { type: "tool-input-delta", toolCallId: "a", delta: '{"x":1}' },
      { type: "tool-input-delta", toolCallId: "b", delta: "{}" },
      { type: "tool-call", toolCallId: "a", toolName: "f", input: '{"x":1}' },
      { type: "tool-call", toolCallId: "b", toolName: "g", input: "{}" },
      { type: "tool-call", toolCallId: "c", toolName: "h", input: '{"y":2}' },
    ];
    const tools: FinishReason = { unified: "tool-calls", raw: "tool_calls" };
    expect(run(parts, result(tools)).slice(2, -2)).toEqual([
      ["content_block_start", { index: 0, content_block: { type: "tool_use", id: "a", name: "f", input: {}, caller: { type: "direct" } } }],
      ["content_block_start", { index: 1, content_block: { type: "tool_use", id: "b", name: "g", input: {}, caller: { type: "direct" } } }],
      ["content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: '{"x":1}' } }],
      ["content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "{}" } }],
      ["content_block_stop", { index: 0 }],
      ["content_block_stop", { index: 1 }],
      ["content_block_start", { index: 2, content_block: { type: "tool_use", id: "c", name: "h", input: {}, caller: { type: "direct" } } }],
      ["content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '{"y":2}' } }],
      ["content_block_stop", { index: 2 }],
    ]);
  });

  it("puts a signed tool call's signature in a text-less thinking block right after its tool_use block", () => {
    const parts: StreamPart[] = [{ type: "tool-call", toolCallId: "a", toolName: "f", input: "{}", signature: "sig" }];
    expect(run(parts, result({ unified: "tool-calls", raw: "STOP" })).slice(2, -2)).toEqual([
      ["content_block_start", { index: 0, content_block: { type: "tool_use", id: "a", name: "f", input: {}, caller: { type: "direct" } } }],
      ["content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: "{}" } }],
      ["content_block_stop", { index: 0 }],
      ["content_block_start", { index: 1, content_block: { type: "thinking", thinking: "", signature: "" } }],
      ["content_block_delta", { index: 1, delta: { type: "signature_delta", signature: "sig" } }],
      ["content_block_stop", { index: 1 }],
    ]);
  });

  it("ends with message_delta carrying the stop reason, the matched stop sequence and the whole usage with cost", () => {
    const events = new MessagesStreamEvents(served);
    events.start();
    const finishReason: FinishReason = { unified: "stop", raw: "stop_sequence", stopSequence: "###" };
    const [delta] = events.finish(result(finishReason));
    expect(delta?.data).toMatchObject({
      delta: { stop_reason: "stop_sequence", stop_sequence: "###" },
      usage: { input_tokens: 12, output_tokens: 7, cache_read_input_tokens: 5, cache_creation_input_tokens: 3, output_tokens_details: { thinking_tokens: 2 }, cost: 0.000001 },
    });
  });

  it("closes what is open and ends with Anthropic's error event when the answer fails after it began", () => {
    const events = new MessagesStreamEvents(served);
    events.start();
    events.add({ type: "text-delta", delta: "Hi" });
    const failure = events.fail(new GatewayError("provider_unavailable", "Upstream went away"));
    expect(failure.map((entry) => entry.event)).toEqual(["content_block_stop", "error"]);
    expect(failure[1]?.data).toEqual({ type: "error", error: { type: "api_error", message: "Upstream went away", error_type: "provider_unavailable" } });
  });
});

describe("stop reasons", () => {
  it.each([
    [{ unified: "stop", raw: "end_turn" }, "end_turn"],
    [{ unified: "stop", raw: "STOP", stopSequence: "x" }, "stop_sequence"],
    [{ unified: "length", raw: "MAX_TOKENS" }, "max_tokens"],
    [{ unified: "tool-calls", raw: "tool_calls" }, "tool_use"],
    [{ unified: "content-filter", raw: "SAFETY" }, "refusal"],
    [{ unified: "error", raw: undefined }, "end_turn"],
    [{ unified: "other", raw: "weird" }, "end_turn"],
  ] as Array<[FinishReason, string]>)("%j → %s", (finishReason, expected) => {
    expect(anthropicStopReason(finishReason)).toBe(expected);
  });
});

describe("the Message body", () => {
  it("turns text, thinking and tool calls into blocks, with Anthropic's usage (input without the cache) and the cost", () => {
    const body = messageBody(
      result({ unified: "tool-calls", raw: "tool_use" }, [
        { type: "reasoning", text: "Think", signature: "sig" },
        { type: "reasoning", text: "", signature: "redacted_thinking:hidden" },
        { type: "text", text: "Calling." },
        { type: "tool-call", toolCallId: "t1", toolName: "f", input: '{"a":1}' },
        { type: "tool-call", toolCallId: "t2", toolName: "g", input: "not json" },
      ]),
    );
    expect(body).toMatchObject({
      id: "gen-1-abc",
      type: "message",
      role: "assistant",
      model: "openai/gpt-4o-mini",
      provider: "OpenAI",
      stop_reason: "tool_use",
      stop_sequence: null,
      content: [
        { type: "thinking", thinking: "Think", signature: "sig" },
        { type: "redacted_thinking", data: "hidden" },
        { type: "text", text: "Calling.", citations: [] },
        { type: "tool_use", id: "t1", name: "f", input: { a: 1 } },
        { type: "tool_use", id: "t2", name: "g", input: {} },
      ],
      usage: { input_tokens: 12, output_tokens: 7, cost: 0.000001, cost_details: { upstream_inference_prompt_cost: 4e-7, upstream_inference_completions_cost: 6e-7 } },
    });
  });
});

describe("Anthropic's error shape", () => {
  it.each([
    ["invalid_request", 400, "invalid_request_error"],
    ["authentication", 401, "authentication_error"],
    ["payment_required", 402, "billing_error"],
    ["permission_denied", 403, "permission_error"],
    ["not_found", 404, "not_found_error"],
    ["payload_too_large", 413, "request_too_large"],
    ["rate_limit_exceeded", 429, "rate_limit_error"],
    ["server", 500, "api_error"],
    ["provider_unavailable", 502, "api_error"],
    ["provider_overloaded", 503, "overloaded_error"],
  ] as const)("%s keeps status %i and is typed %s", (kind, status, type) => {
    const error = new GatewayError(kind, "message", { metadata: { field: "x" } });
    expect(error.status).toBe(status);
    expect(toAnthropicErrorBody(error)).toEqual({ type: "error", error: { type, message: "message", error_type: kind }, request_id: null, metadata: { field: "x" } });
  });

  it("masks internal errors", () => {
    expect(anthropicErrorObject(new Error("secret detail"))).toEqual({ type: "api_error", message: "Internal server error", error_type: "server" });
  });
});
