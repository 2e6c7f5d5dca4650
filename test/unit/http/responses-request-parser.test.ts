import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import { redactedReasoningSignature } from "../../../src/core/prompt.js";
import { parseResponsesRequest } from "../../../src/http/responses/responses-request-parser.js";

/** OpenAI Responses requests → the core's call options, table by table. */

const base = { model: "openai/gpt-4o-mini", input: "hi" };

function refusal(body: unknown): { message: string; field: unknown } {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.kind).toBe("invalid_request");
    return { message: error.message, field: error.metadata?.field };
  }
  throw new Error("expected a refusal");
}

describe("parseResponsesRequest", () => {
  it.each([
    [{ ...base, previous_response_id: "resp_1" }, "previous_response_id"],
    [{ ...base, store: true }, "store"],
    [{ input: "hi" }, "model"],
    [{ ...base, input: [] }, "input"],
    [{ ...base, input: [{ role: "system", content: "only instructions" }] }, "input"],
    [{ ...base, max_output_tokens: 0 }, "max_output_tokens"],
    [{ ...base, temperature: 3 }, "temperature"],
    [{ ...base, tool_choice: { type: "function", name: "nope" } }, "tool_choice.name"],
    [{ ...base, tools: [{ type: "web_search_preview" }] }, "tools[0].type"],
    [{ ...base, text: { format: { type: "json_schema", name: "bad name!", schema: {} } } }, "text.format.name"],
    [{ ...base, input: [{ role: "assistant", content: [{ type: "input_image", image_url: "https://x/y.png" }] }] }, "input[0].content"],
    [{ ...base, input: [{ type: "function_call", call_id: "c", name: "f" }] }, "input[0].arguments"],
  ])("refuses %j naming %s", (body, field) => {
    expect(refusal(body).field).toBe(field);
  });

  it("accepts store: false and a null previous_response_id, which say nothing is stored", () => {
    expect(parseResponsesRequest({ ...base, store: false, previous_response_id: null }).chatRequest.apiType).toBe("responses");
  });

  it("puts instructions first, groups an answer's items in one assistant turn and its outputs in one tool message", () => {
    const { chatRequest } = parseResponsesRequest({
      ...base,
      instructions: "Be brief.",
      input: [
        { role: "developer", content: [{ type: "input_text", text: "English only." }] },
        { role: "user", content: "Weather in Paris and Rome?" },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Two calls." }], encrypted_content: "sig-1" },
        { type: "function_call", call_id: "a", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "reasoning", id: "rs_2", summary: [], encrypted_content: "call-sig" },
        { type: "function_call", call_id: "b", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "a", output: "Sunny" },
        { type: "function_call_output", call_id: "b", output: [{ type: "input_text", text: "Rainy" }] },
        { type: "reasoning", summary: [], encrypted_content: redactedReasoningSignature("opaque") },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Sunny and rainy." }] },
      ],
    });
    expect(chatRequest.options.prompt).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: "English only." },
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Two calls.", signature: "sig-1" },
          { type: "tool-call", toolCallId: "a", toolName: "get_weather", input: '{"city":"Paris"}', signature: "call-sig" },
          { type: "tool-call", toolCallId: "b", toolName: "get_weather", input: '{"city":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "a", toolName: "get_weather", output: "Sunny" },
          { type: "tool-result", toolCallId: "b", toolName: "get_weather", output: "Rainy" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "", signature: redactedReasoningSignature("opaque") },
          { type: "text", text: "Sunny and rainy." },
        ],
      },
    ]);
  });

  it("maps tools, tool_choice, text.format, reasoning and the sampling settings, and lists the parameters used", () => {
    const { chatRequest, echo } = parseResponsesRequest({
      ...base,
      models: ["anthropic/claude-haiku-4.5", "openai/gpt-4o-mini"],
      tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: true }],
      tool_choice: { type: "function", name: "f" },
      parallel_tool_calls: false,
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      reasoning: { effort: "xhigh", summary: "auto" },
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.5,
      safety_identifier: "user-9",
    });
    expect(chatRequest.models).toEqual(["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"]);
    expect(chatRequest.options).toMatchObject({
      tools: [{ name: "f", parameters: { type: "object" }, strict: true }],
      toolChoice: { type: "tool", toolName: "f" },
      parallelToolCalls: false,
      responseFormat: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true },
      reasoning: { effort: "high" },
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.5,
      user: "user-9",
    });
    expect(chatRequest.usedParameters).toEqual(expect.arrayContaining(["tools", "tool_choice", "response_format", "structured_outputs", "reasoning", "max_tokens", "temperature", "top_p"]));
    expect(echo).toMatchObject({ tool_choice: { type: "function", name: "f" }, parallel_tool_calls: false, max_output_tokens: 100, reasoning: { effort: "xhigh", summary: "auto" } });
    expect(parseResponsesRequest({ ...base, reasoning: { effort: "none" } }).chatRequest.options.reasoning).toEqual({ enabled: false });
  });
});
