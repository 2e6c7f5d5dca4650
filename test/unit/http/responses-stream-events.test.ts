import { describe, expect, it } from "vitest";
import { SERVED, completionResult } from "../../fixtures/completion-result.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { FinishReason } from "../../../src/core/finish-reason.js";
import { redactedReasoningSignature } from "../../../src/core/prompt.js";
import type { StreamPart } from "../../../src/core/stream-parts.js";
import { outputItems, responseBody } from "../../../src/http/responses/responses-response.js";
import type { ResponseEcho } from "../../../src/http/responses/responses-response.js";
import { ResponsesStreamEvents } from "../../../src/http/responses/responses-stream-events.js";
import type { ResponsesStreamEvent } from "../../../src/http/responses/responses-stream-events.js";

/** The core's stream parts as OpenAI's typed Responses events, and the Response built from a whole answer. */

const served = SERVED;
const echo: ResponseEcho = {
  instructions: null,
  tools: [],
  tool_choice: "auto",
  parallel_tool_calls: true,
  temperature: null,
  top_p: null,
  presence_penalty: null,
  frequency_penalty: null,
  max_output_tokens: null,
  metadata: null,
  text: { format: { type: "text" } },
  reasoning: null,
};
const stop: FinishReason = { unified: "stop", raw: "stop" };

const result = completionResult;

function run(parts: StreamPart[], end: (events: ResponsesStreamEvents) => ResponsesStreamEvent[] = (events) => events.finish(result(stop))): ResponsesStreamEvent[] {
  const events = new ResponsesStreamEvents(served, echo);
  const all = [...events.start(), ...parts.flatMap((part) => events.add(part)), ...end(events)];
  all.forEach(({ event, data }, index) => {
    expect(data.type).toBe(event);
    expect(data.sequence_number).toBe(index);
  });
  return all;
}

function outputOf(events: ResponsesStreamEvent[]): unknown[] {
  return (events.at(-1)?.data.response as { output: unknown[] }).output;
}

describe("ResponsesStreamEvents", () => {
  it("gives calls streamed side by side (as OpenAI interleaves them) an item each, with their own deltas", () => {
    const events = run([
      { type: "tool-input-start", toolCallId: "a", toolName: "one" },
      { type: "tool-input-start", toolCallId: "b", toolName: "two" },
      { type: "tool-input-delta", toolCallId: "a", delta: '{"x":' },
      { type: "tool-input-delta", toolCallId: "b", delta: '{"y":2}' },
      { type: "tool-input-delta", toolCallId: "a", delta: "1}" },
      { type: "tool-call", toolCallId: "a", toolName: "one", input: '{"x":1}' },
      { type: "tool-call", toolCallId: "b", toolName: "two", input: '{"y":2}' },
    ]);
    const deltas = events.filter((event) => event.event === "response.function_call_arguments.delta").map((event) => [event.data.output_index, event.data.delta]);
    expect(deltas).toEqual([
      [0, '{"x":'],
      [1, '{"y":2}'],
      [0, "1}"],
    ]);
    expect(outputOf(events)).toEqual([
      expect.objectContaining({ type: "function_call", call_id: "a", name: "one", arguments: '{"x":1}', status: "completed" }),
      expect.objectContaining({ type: "function_call", call_id: "b", name: "two", arguments: '{"y":2}', status: "completed" }),
    ]);
  });

  it("closes a reasoning item at its signature, and shows redacted reasoning as an item of its own", () => {
    const events = run([
      { type: "reasoning-delta", delta: "Let me " },
      { type: "reasoning-delta", delta: "think.", signature: "sig-1" },
      { type: "reasoning-delta", delta: "", signature: redactedReasoningSignature("opaque") },
      { type: "text-delta", delta: "Hi" },
    ]);
    expect(outputOf(events)).toEqual([
      expect.objectContaining({ type: "reasoning", summary: [{ type: "summary_text", text: "Let me think." }], encrypted_content: "sig-1" }),
      expect.objectContaining({ type: "reasoning", summary: [], encrypted_content: redactedReasoningSignature("opaque") }),
      expect.objectContaining({ type: "message", content: [expect.objectContaining({ type: "output_text", text: "Hi" })] }),
    ]);
    expect(events.filter((event) => event.event === "response.reasoning_summary_text.done").map((event) => event.data.text)).toEqual(["Let me think."]);
  });

  it("puts a call's own signature in a reasoning item right after it, streamed as in the whole answer", () => {
    const call = { type: "tool-call" as const, toolCallId: "c", toolName: "get_weather", input: "{}", signature: "gemini-sig" };
    const streamed = outputOf(run([call]));
    expect(streamed).toEqual([expect.objectContaining({ type: "function_call", call_id: "c" }), expect.objectContaining({ type: "reasoning", summary: [], encrypted_content: "gemini-sig" })]);
    expect(outputItems(served.generationId, [{ type: "tool-call", toolCallId: "c", toolName: "get_weather", input: "{}", signature: "gemini-sig" }])).toEqual(streamed);
  });

  it("ends an answer that failed after it began with its open items done and response.failed", () => {
    const events = run([{ type: "text-delta", delta: "partial" }], (state) => state.fail(new GatewayError("provider_unavailable", "upstream broke")));
    expect(events.map((event) => event.event).slice(-4)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.failed"]);
    expect(events.at(-1)?.data.response).toMatchObject({ status: "failed", error: { code: "server_error", message: "upstream broke" } });
  });

  it("says incomplete when the output limit cut the answer", () => {
    const events = run([{ type: "text-delta", delta: "cut" }, { type: "finish", finishReason: { unified: "length", raw: "length" }, usage: {} as never }], (state) => state.finish(result({ unified: "length", raw: "length" })));
    expect(events.at(-1)?.event).toBe("response.incomplete");
    expect(events.at(-1)?.data.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: { output_tokens: 7 } });
  });
});

describe("responseBody", () => {
  it("reports usage with cached tokens inside input_tokens, reasoning tokens, and the exact cost", () => {
    const body = responseBody(result(stop, [{ type: "text", text: "Hello" }]), echo);
    expect(body).toMatchObject({
      id: served.generationId,
      object: "response",
      status: "completed",
      output: [{ type: "message", content: [{ type: "output_text", text: "Hello" }] }],
      usage: {
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 5, cache_write_tokens: 3 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 27,
        cost: 0.000001,
        cost_details: { upstream_inference_input_cost: 0.0000004, upstream_inference_output_cost: 0.0000006 },
      },
    });
  });
});
