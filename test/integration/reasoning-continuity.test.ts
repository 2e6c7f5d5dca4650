import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterSchema } from "../support/contract.js";
import { startOpenAISdkHarness, weatherTool } from "../support/openai-sdk-harness.js";
import type { OpenAISdkHarness } from "../support/openai-sdk-harness.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * Tool-calling conversations with thinking models need the provider's signatures back on the next turn:
 * Gemini 3 refuses a replayed function call without its `thoughtSignature`, and Anthropic with thinking on
 * refuses a tool turn whose assistant message lost its signed thinking block. The gateway hands both to the
 * client in `reasoning_details`, as OpenRouter does, and reads them back from the assistant message. The
 * simulators enforce both rules the way the real APIs do.
 */

let harness: OpenAISdkHarness;
let gateway: TestGateway;
let key: FundedKey;
let client: OpenAI;

type Detail = { type: string; id?: string; data?: string; text?: string; signature?: string | null; index?: number };
type AssistantWithDetails = OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_details?: Detail[] };
type Delta = { reasoning?: string; reasoning_details?: Detail[]; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> };

beforeAll(async () => {
  harness = await startOpenAISdkHarness();
  ({ gateway, key, client } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

/** Streams a request through REST, checks every chunk against OpenRouter's contract, and returns the deltas. */
async function streamedDeltas(body: Record<string, unknown>): Promise<Delta[]> {
  const transcript = await readSse(await postJson(`${gateway.url}/api/v1/chat/completions`, { ...body, stream: true }, key.apiKey));
  for (const chunk of transcript.chunks) expectOpenRouterSchema("ChatStreamChunk", chunk);
  return transcript.chunks.flatMap((chunk) => ((chunk as { choices?: Array<{ delta?: Delta }> }).choices ?? []).map((choice) => choice.delta ?? {}));
}

const question = { role: "user" as const, content: "What is the weather in Paris?" };

function followUp(assistant: OpenAI.Chat.Completions.ChatCompletionMessageParam, callId: string): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  return [question, assistant, { role: "tool", tool_call_id: callId, content: "Sunny, 24C" }];
}

describe("Gemini 3: thought signatures on function calls", () => {
  const model = "google/gemini-3-pro-preview";

  it("returns the call's signature in reasoning_details and accepts the message sent back as it came", async () => {
    const first = await client.chat.completions.create({ model, messages: [question], tools: [weatherTool] });
    const message = first.choices[0]?.message as AssistantWithDetails;
    const call = message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    expectOpenRouterSchema("ChatResult", first);
    const encrypted = message.reasoning_details?.find((detail) => detail.type === "reasoning.encrypted");
    expect(encrypted).toMatchObject({ id: call.id, data: expect.stringMatching(/^[A-Za-z0-9+/=]{8,}$/) });

    // What openai SDK users do: append the assistant message object they got, unknown fields and all.
    const messages = followUp(message as OpenAI.Chat.Completions.ChatCompletionMessageParam, call.id);
    expectOpenRouterSchema("ChatRequest", { model, messages, tools: [weatherTool] });
    const second = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    expect(second.choices[0]?.message.content).toBe("The tool said: Sunny, 24C");
  });

  it("passes Gemini's refusal on when the signature is dropped, and charges nothing", async () => {
    const first = await client.chat.completions.create({ model, messages: [question], tools: [weatherTool] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    const before = await key.balance();
    const error = await client.chat.completions
      .create({ model, messages: followUp({ role: "assistant", content: null, tool_calls: [call] }, call.id), tools: [weatherTool] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(JSON.stringify((error as InstanceType<typeof OpenAI.BadRequestError>).error)).toContain("thought_signature");
    expect(await key.balance()).toBe(before);
  });

  it("streams the signature as a reasoning_details delta that works when sent back", async () => {
    const deltas = await streamedDeltas({ model, messages: [question], tools: [weatherTool] });
    const toolCall = deltas.flatMap((delta) => delta.tool_calls ?? []).find((entry) => entry.id !== undefined);
    const details = deltas.flatMap((delta) => delta.reasoning_details ?? []);
    expect(toolCall?.id).toBeDefined();
    expect(details.filter((detail) => detail.type === "reasoning.encrypted")).toEqual([expect.objectContaining({ id: toolCall?.id })]);

    const callId = toolCall?.id ?? "";
    const assistant = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: callId, type: "function", function: { name: "get_weather", arguments: toolCall?.function?.arguments ?? "{}" } }],
      reasoning_details: details,
    };
    const second = await client.chat.completions.create({ model, messages: followUp(assistant as OpenAI.Chat.Completions.ChatCompletionMessageParam, callId), tools: [weatherTool] });
    expect(second.choices[0]?.message.content).toBe("The tool said: Sunny, 24C");
  });
});

describe("the GraphQL mutation carries reasoningDetails both ways", () => {
  type Completion = { message: { content: string | null; toolCalls: Array<{ id: string; name: string; arguments: string }>; reasoningDetails: Detail[] } };
  const mutation = `mutation($input: ChatCompletionInput!) { createChatCompletion(input: $input) { message { content toolCalls { id name arguments } reasoningDetails } } }`;
  const tools = [{ name: "get_weather", description: "Current weather for a city", parameters: weatherTool.function.parameters }];

  it("completes a Gemini 3 tool turn when the details are sent back, and not without them", async () => {
    const model = "google/gemini-3-pro-preview";
    const first = await graphqlRequest<{ createChatCompletion: Completion }>(gateway.url, mutation, { apiKey: key.apiKey, variables: { input: { model, messages: [question], tools } } });
    expect(first.errors).toBeUndefined();
    const message = first.data?.createChatCompletion.message;
    const call = message?.toolCalls[0];
    expect(message?.reasoningDetails).toEqual([expect.objectContaining({ type: "reasoning.encrypted", id: call?.id })]);

    const turn = (reasoningDetails: Detail[] | undefined) => ({
      model,
      tools,
      messages: [
        question,
        { role: "assistant", content: null, toolCalls: [call], ...(reasoningDetails === undefined ? {} : { reasoningDetails }) },
        { role: "tool", toolCallId: call?.id, content: "Sunny, 24C" },
      ],
    });
    const second = await graphqlRequest<{ createChatCompletion: Completion }>(gateway.url, mutation, { apiKey: key.apiKey, variables: { input: turn(message?.reasoningDetails) } });
    expect(second.errors).toBeUndefined();
    expect(second.data?.createChatCompletion.message.content).toBe("The tool said: Sunny, 24C");

    const without = await graphqlRequest<{ createChatCompletion: Completion }>(gateway.url, mutation, { apiKey: key.apiKey, variables: { input: turn(undefined) } });
    expect(without.errors?.[0]?.message).toContain("thought_signature");
  });
});

describe("Anthropic with thinking on: signed thinking blocks", () => {
  const model = "anthropic/claude-haiku-4.5";
  const reasoning = { max_tokens: 2048 };

  it("returns the thinking with its signature, and keeps thinking on the next tool turn when the message is sent back", async () => {
    const first = await client.chat.completions.create({ model, messages: [question], tools: [weatherTool], reasoning } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    const message = first.choices[0]?.message as AssistantWithDetails;
    const call = message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    expectOpenRouterSchema("ChatResult", first);
    const thinking = message.reasoning_details?.find((detail) => detail.type === "reasoning.text");
    expect(thinking?.text).toBe((message as { reasoning?: string }).reasoning);
    expect(thinking?.signature).toMatch(/^[A-Za-z0-9+/=]{8,}$/);

    const second = await client.chat.completions.create({
      model,
      messages: followUp(message as OpenAI.Chat.Completions.ChatCompletionMessageParam, call.id),
      tools: [weatherTool],
      reasoning,
    } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    expect(second.choices[0]?.message.content).toBe("The tool said: Sunny, 24C");
    // The simulator, like Anthropic, verifies the signature against the thinking text and only thinks again
    // when the tool turn carried its signed thinking block.
    expect((second.choices[0]?.message as { reasoning?: string | null }).reasoning).toEqual(expect.stringMatching(/\S/));
  });

  it("streams the thinking and its signature as reasoning_details deltas that rebuild the block", async () => {
    const deltas = await streamedDeltas({ model, messages: [question], tools: [weatherTool], reasoning });
    const details = deltas.flatMap((delta) => delta.reasoning_details ?? []);
    const thinking = deltas.map((delta) => delta.reasoning ?? "").join("");
    expect(thinking.length).toBeGreaterThan(0);
    expect(details.every((detail) => detail.type === "reasoning.text" && detail.index === 0)).toBe(true);
    expect(details.map((detail) => detail.text ?? "").join("")).toBe(thinking);
    expect(details.at(-1)?.signature).toMatch(/^[A-Za-z0-9+/=]{8,}$/);
  });

  it("answers without thinking when the client dropped the thinking (Anthropic would refuse the turn with it on)", async () => {
    const first = await client.chat.completions.create({ model, messages: [question], tools: [weatherTool], reasoning } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    const second = await client.chat.completions.create({
      model,
      messages: followUp({ role: "assistant", content: null, tool_calls: [call] }, call.id),
      tools: [weatherTool],
      reasoning,
    } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    expect(second.choices[0]?.message.content).toBe("The tool said: Sunny, 24C");
    expect((second.choices[0]?.message as { reasoning?: string | null }).reasoning).toBeNull();
  });
});
