import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { startOpenAISdkHarness } from "../support/openai-sdk-harness.js";
import type { OpenAISdkHarness } from "../support/openai-sdk-harness.js";

/**
 * Tool loops with thinking models through `/api/v1/responses`: Gemini 3 refuses a replayed function call without
 * its `thoughtSignature`, and Anthropic with thinking on only thinks again on a tool turn that carries its signed
 * thinking block. The face hands both out as `reasoning` items (`encrypted_content`) and reads them back when a
 * client appends `response.output` to its `input`, as the openai SDK's users do. The simulators enforce both rules.
 */

let harness: OpenAISdkHarness;
let key: FundedKey;
let client: OpenAI;

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};
const question: OpenAI.Responses.ResponseInputItem = { role: "user", content: "What is the weather in Paris?" };

beforeAll(async () => {
  harness = await startOpenAISdkHarness();
  ({ key, client } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

/** The next turn's input: the question, the answer's output items as they came, and the tool's result. */
function followUp(output: OpenAI.Responses.ResponseOutputItem[]): OpenAI.Responses.ResponseInputItem[] {
  const call = output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === "function_call");
  if (call === undefined) throw new Error("expected a function_call item");
  return [question, ...(output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: call.call_id, output: "Sunny, 24C" }];
}

describe("Gemini 3: thought signatures on function calls", () => {
  const model = "google/gemini-3-pro-preview";

  it("returns the call's signature in a reasoning item after the call, which makes the next turn work", async () => {
    const first = await client.responses.create({ model, input: [question], tools: [weatherTool] });
    const types = first.output.map((item) => item.type);
    const callAt = types.indexOf("function_call");
    const signature = first.output[callAt + 1];
    expect(signature?.type === "reasoning" ? [signature.summary, signature.encrypted_content] : undefined).toEqual([[], expect.stringMatching(/^[A-Za-z0-9+/=]{8,}$/)]);
    const second = await client.responses.create({ model, input: followUp(first.output), tools: [weatherTool] });
    expect(second.output_text).toBe("The tool said: Sunny, 24C");
  });

  it("passes Gemini's refusal on when the signature is dropped, and charges nothing", async () => {
    const first = await client.responses.create({ model, input: [question], tools: [weatherTool] });
    const before = await key.balance();
    const withoutSignature = first.output.filter((item) => item.type !== "reasoning");
    const error = await client.responses.create({ model, input: followUp(withoutSignature), tools: [weatherTool] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(JSON.stringify((error as InstanceType<typeof OpenAI.BadRequestError>).error)).toContain("thought_signature");
    expect(await key.balance()).toBe(before);
  });

  it("streams the signature item too: the streamed final response works when sent back", async () => {
    const final = await client.responses.stream({ model, input: [question], tools: [weatherTool] }).finalResponse();
    expect(final.output.some((item) => item.type === "reasoning" && item.encrypted_content != null)).toBe(true);
    const second = await client.responses.create({ model, input: followUp(final.output), tools: [weatherTool] });
    expect(second.output_text).toBe("The tool said: Sunny, 24C");
  });
});

describe("Anthropic with thinking on: signed thinking", () => {
  const model = "anthropic/claude-haiku-4.5";
  const reasoning = { effort: "medium" as const, summary: "auto" as const };

  it("returns the thinking as a summary with its signature, and keeps thinking on the next tool turn when sent back", async () => {
    const first = await client.responses.create({ model, input: [question], tools: [weatherTool], reasoning });
    const thinking = first.output.find((item): item is OpenAI.Responses.ResponseReasoningItem => item.type === "reasoning");
    expect(thinking?.summary[0]?.text).toEqual(expect.stringMatching(/\S/));
    expect(thinking?.encrypted_content).toMatch(/^[A-Za-z0-9+/=]{8,}$/);
    const second = await client.responses.create({ model, input: followUp(first.output), tools: [weatherTool], reasoning });
    expect(second.output_text).toBe("The tool said: Sunny, 24C");
    // The simulator, like Anthropic, verifies the signature against the thinking text and only thinks again
    // when the tool turn carried its signed thinking block.
    expect(second.output.some((item) => item.type === "reasoning")).toBe(true);
  });

  it("answers without thinking when the client dropped the reasoning item", async () => {
    const first = await client.responses.create({ model, input: [question], tools: [weatherTool], reasoning });
    const second = await client.responses.create({ model, input: followUp(first.output.filter((item) => item.type !== "reasoning")), tools: [weatherTool], reasoning });
    expect(second.output_text).toBe("The tool said: Sunny, 24C");
    expect(second.output.some((item) => item.type === "reasoning")).toBe(false);
  });
});
