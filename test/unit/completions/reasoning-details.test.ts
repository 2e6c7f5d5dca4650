import { describe, expect, it } from "vitest";
import { answerMessage } from "../../../src/completions/answer-message.js";
import { parseChatRequest } from "../../../src/completions/chat-request-parser.js";
import { readReasoningDetails, reasoningDetailsOf } from "../../../src/completions/reasoning-details.js";

describe("reasoning_details", () => {
  it("lists reasoning with its signature and signed tool calls, in answer order", () => {
    const details = reasoningDetailsOf([
      { type: "reasoning", text: "Thinking about Paris", signature: "sig-a" },
      { type: "text", text: "Let me check." },
      { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: "{}", signature: "sig-b" },
      { type: "tool-call", toolCallId: "call_2", toolName: "get_weather", input: "{}" },
    ]);
    expect(details).toEqual([
      { type: "reasoning.text", text: "Thinking about Paris", signature: "sig-a", index: 0 },
      { type: "reasoning.encrypted", id: "call_1", data: "sig-b", index: 1 },
    ]);
    expect(reasoningDetailsOf([{ type: "text", text: "plain" }])).toEqual([]);
  });

  it("reads them back: text and summaries as reasoning, encrypted entries as signatures of their calls", () => {
    const read = readReasoningDetails([
      { type: "reasoning.text", text: "Thinking", signature: "sig-a", index: 0 },
      { type: "reasoning.summary", summary: "In short", index: 1 },
      { type: "reasoning.encrypted", id: "call_1", data: "sig-b", index: 2 },
      { type: "reasoning.encrypted", data: "addressed to nothing" },
      { type: "reasoning.server_tool_call", tool_name: "x", arguments: "{}", result: "{}" },
    ]);
    expect(read.reasoning).toEqual([
      { type: "reasoning", text: "Thinking", signature: "sig-a" },
      { type: "reasoning", text: "In short" },
    ]);
    expect([...read.toolCallSignatures]).toEqual([["call_1", "sig-b"]]);
  });

  it("round-trips through the request parser: the assistant message gets its signed reasoning and signed call", () => {
    const answer = answerMessage([
      { type: "reasoning", text: "Thinking", signature: "sig-a" },
      { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}', signature: "sig-b" },
    ]);
    const request = parseChatRequest({
      model: "google/gemini-3-pro-preview",
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: answer.content,
          reasoning: answer.reasoning,
          tool_calls: answer.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })),
          reasoning_details: answer.reasoningDetails,
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(request.options.prompt[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "Thinking", signature: "sig-a" },
        { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}', signature: "sig-b" },
      ],
    });
  });

  it("keeps the plain reasoning string when no details came with it", () => {
    const request = parseChatRequest({ model: "m", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "yes", reasoning: "because" }] });
    expect(request.options.prompt[1]).toEqual({ role: "assistant", content: [{ type: "reasoning", text: "because" }, { type: "text", text: "yes" }] });
  });
});
