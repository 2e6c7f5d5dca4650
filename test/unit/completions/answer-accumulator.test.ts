import { describe, expect, it } from "vitest";
import { AnswerAccumulator } from "../../../src/completions/answer-accumulator.js";

describe("AnswerAccumulator's output count (what a stream's output allowance is checked against)", () => {
  it("counts a token per delta while the chunks are small, as providers send about one token a chunk", () => {
    const accumulator = new AnswerAccumulator(() => 0);
    for (const delta of ["Hello", " there", ",", " friend"]) accumulator.add({ type: "text-delta", delta });
    expect(accumulator.outputTokens).toBe(4);
  });

  it("counts a token per 8 bytes when chunks are big, so a chunk stuffed with tokens still counts", () => {
    const accumulator = new AnswerAccumulator(() => 0);
    const big = "word ".repeat(40);
    expect(accumulator.outputTokensWith({ type: "text-delta", delta: big })).toBe(25);
    expect(accumulator.outputTokens).toBe(0);
    accumulator.add({ type: "text-delta", delta: big });
    accumulator.add({ type: "reasoning-delta", delta: "漢字".repeat(4) });
    expect(accumulator.outputTokens).toBe(Math.ceil((200 + 24) / 8));
  });

  it("counts tool arguments but not the whole call that repeats them, nor metadata", () => {
    const accumulator = new AnswerAccumulator(() => 0);
    accumulator.add({ type: "tool-input-start", toolCallId: "c1", toolName: "get_weather" });
    accumulator.add({ type: "tool-input-delta", toolCallId: "c1", delta: '{"city":"example"}' });
    accumulator.add({ type: "tool-call", toolCallId: "c1", toolName: "get_weather", input: '{"city":"example"}' });
    accumulator.add({ type: "response-metadata", id: "x" });
    expect(accumulator.outputTokens).toBe(3);
  });
});
