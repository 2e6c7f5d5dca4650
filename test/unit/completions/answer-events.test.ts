import { describe, expect, it } from "vitest";
import { AnswerEventTranslator } from "../../../src/completions/answer-events.js";
import type { AnswerEvent } from "../../../src/completions/answer-events.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { StreamPart } from "../../../src/core/stream-parts.js";

function translate(parts: StreamPart[]): Array<AnswerEvent | undefined> {
  const translator = new AnswerEventTranslator();
  return parts.map((part) => translator.next(part));
}

const usage = { inputTokens: { total: 1, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 1, reasoning: undefined } };

describe("answer events", () => {
  it("says nothing for the parts a client never sees", () => {
    expect(translate([{ type: "stream-start", warnings: [] }, { type: "response-metadata", id: "x" }, { type: "tool-call", toolCallId: "c", toolName: "t", input: "{}" }])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("numbers tool calls in the order they start and keeps each call's number for its argument deltas", () => {
    expect(
      translate([
        { type: "tool-input-start", toolCallId: "a", toolName: "first" },
        { type: "tool-input-start", toolCallId: "b", toolName: "second" },
        { type: "tool-input-delta", toolCallId: "b", delta: "{" },
        { type: "tool-input-delta", toolCallId: "a", delta: "}" },
      ]),
    ).toEqual([
      { type: "tool-call-start", index: 0, toolCallId: "a", toolName: "first" },
      { type: "tool-call-start", index: 1, toolCallId: "b", toolName: "second" },
      { type: "tool-call-arguments", index: 1, toolCallId: "b", delta: "{" },
      { type: "tool-call-arguments", index: 0, toolCallId: "a", delta: "}" },
    ]);
  });

  it("numbers reasoning_details one per reasoning block (a signature closes it) and per signed tool call", () => {
    const events = translate([
      { type: "reasoning-delta", delta: "Let me" },
      { type: "reasoning-delta", delta: " think", signature: "sig-1" },
      { type: "reasoning-delta", delta: "More" },
      { type: "tool-call", toolCallId: "call-1", toolName: "t", input: "{}", signature: "sig-2" },
      { type: "text-delta", delta: "Done" },
    ]);
    expect(events).toEqual([
      { type: "reasoning", delta: "Let me", detail: { type: "reasoning.text", text: "Let me", signature: null, index: 0 } },
      { type: "reasoning", delta: " think", detail: { type: "reasoning.text", text: " think", signature: "sig-1", index: 0 } },
      { type: "reasoning", delta: "More", detail: { type: "reasoning.text", text: "More", signature: null, index: 1 } },
      { type: "tool-call-signature", detail: { type: "reasoning.encrypted", id: "call-1", data: "sig-2", index: 2 } },
      { type: "content", delta: "Done" },
    ]);
  });

  it("passes the finish reason and the error on", () => {
    const error = new GatewayError("provider_unavailable", "gone");
    expect(translate([{ type: "finish", finishReason: { unified: "stop", raw: "end_turn" }, usage }, { type: "error", error }])).toEqual([
      { type: "finish", finishReason: { unified: "stop", raw: "end_turn" } },
      { type: "error", error },
    ]);
  });
});
