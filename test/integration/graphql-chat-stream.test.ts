import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toUsdNumber } from "../../src/billing/money.js";
import { ERROR_KINDS } from "../../src/core/errors.js";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import { deltasOfChunks, deltasOfEvents, subscribeToChatCompletion, withNumberedToolCallIds } from "../support/chat-subscription.js";
import type { StreamEvent } from "../support/chat-subscription.js";
import { webSocketClient } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The `chatCompletion` subscription over graphql-ws against each simulated upstream format: the events carry
 * exactly what the SSE face sends for the same request (text, reasoning with its details, tool calls, finish
 * reasons), the usage and cost are the same, and refusals before the first token are typed GraphQL errors.
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env, config: { GRAPHQL_WS_MAX_STREAMS_PER_SOCKET: "2" } });
  key = await createFundedKey(gateway, { usd: "20" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

const WEATHER_TOOL = { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

const FORMATS = [
  { format: "OpenAI", model: "openai/gpt-4o-mini" },
  { format: "Anthropic", model: "anthropic/claude-haiku-4.5" },
  { format: "Gemini", model: "google/gemini-3-pro-preview" },
] as const;

interface Case {
  name: string;
  graphql: Record<string, unknown>;
  rest: Record<string, unknown>;
}

function cases(model: string): Case[] {
  return [
    { name: "text", graphql: { model, messages: [{ role: "user", content: "Tell me a story [[words:12]]" }] }, rest: { model, messages: [{ role: "user", content: "Tell me a story [[words:12]]" }] } },
    {
      name: "reasoning",
      graphql: { model, reasoning: { effort: "high" }, messages: [{ role: "user", content: "Think first [[reasoning]]" }] },
      rest: { model, reasoning: { effort: "high" }, messages: [{ role: "user", content: "Think first [[reasoning]]" }] },
    },
    {
      name: "tool calls",
      graphql: { model, tools: [WEATHER_TOOL], toolChoice: "required", messages: [{ role: "user", content: "Weather in Paris and Rome? [[parallel]]" }] },
      rest: {
        model,
        tools: [{ type: "function", function: WEATHER_TOOL }],
        tool_choice: "required",
        messages: [{ role: "user", content: "Weather in Paris and Rome? [[parallel]]" }],
      },
    },
  ];
}

function ofType(events: readonly StreamEvent[], typename: string): StreamEvent[] {
  return events.filter((event) => event.__typename === typename);
}

describe.each(FORMATS)("chatCompletion over graphql-ws, $format upstream", ({ model }) => {
  it.each(cases(model))("streams the same $name answer as SSE, with the same usage and cost", async ({ name, graphql, rest }) => {
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const outcome = await subscribeToChatCompletion(client, graphql);
      expect(outcome.errors).toEqual([]);
      const sse = await readSse(await postJson(`${gateway.url}/api/v1/chat/completions`, { ...rest, stream: true }, key.apiKey));
      expect(sse.status).toBe(200);

      const { events } = outcome;
      expect(events[0]?.__typename).toBe("ChatCompletionStarted");
      expect(events.at(-1)?.__typename).toBe("ChatCompletionFinished");
      expect(ofType(events, "ChatCompletionStarted")).toHaveLength(1);
      const started = events[0] ?? { __typename: "" };
      expect(started).toMatchObject({ model: sse.chunks[0]?.model, provider: sse.chunks[0]?.provider });

      const deltas = deltasOfEvents(events);
      expect(withNumberedToolCallIds(deltas)).toEqual(withNumberedToolCallIds(deltasOfChunks(sse.chunks)));
      expect(deltas.length).toBeGreaterThan(1);
      if (name === "reasoning") expect(deltas.some((delta) => delta.kind === "reasoning" && delta.delta.length > 0)).toBe(true);
      if (name === "tool calls") {
        expect(deltas.filter((delta) => delta.kind === "tool-start")).toHaveLength(2);
        expect(deltas.at(-1)).toMatchObject({ kind: "finish", reason: "tool_calls" });
      }

      const usageChunk = sse.chunks.at(-1)?.usage as Record<string, unknown> & { completion_tokens_details: { reasoning_tokens: number }; prompt_tokens_details: { cached_tokens: number } };
      const finished = events.at(-1) as unknown as { usage: Record<string, unknown> };
      expect(finished.usage).toEqual({
        promptTokens: usageChunk.prompt_tokens,
        completionTokens: usageChunk.completion_tokens,
        totalTokens: usageChunk.total_tokens,
        cachedTokens: usageChunk.prompt_tokens_details.cached_tokens,
        reasoningTokens: usageChunk.completion_tokens_details.reasoning_tokens,
        cost: expect.any(String),
      });
      expect(Number(finished.usage.cost)).toBe(usageChunk.cost);

      // The subscription's generation is charged and recorded exactly as its Finished event says.
      const generationId = String(started.generationId);
      await gateway.services.completions.drain();
      const record = await gateway.services.generations.find(generationId);
      expect(record).toMatchObject({ cancelled: false, tokensCompletion: finished.usage.completionTokens });
      expect(toUsdNumber(record?.totalCost ?? -1n)).toBe(Number(finished.usage.cost));
    } finally {
      await client.dispose();
    }
  });
});

describe("an upstream failing after output began", () => {
  it.each(FORMATS)("ends the $format stream with a typed error event after the same text as SSE, charged for what was generated", async ({ model }) => {
    const request = { model, messages: [{ role: "user", content: "Start then fail [[words:10]] [[fail-after:3]]" }] };
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const { events, errors } = await subscribeToChatCompletion(client, request);
      expect(errors).toEqual([]);
      const sse = await readSse(await postJson(`${gateway.url}/api/v1/chat/completions`, { ...request, stream: true }, key.apiKey));
      const sseError = sse.chunks.find((chunk) => chunk.error !== undefined)?.error as { code: number; message: string } | undefined;
      expect(sseError).toBeDefined();

      const text = (deltas: ReturnType<typeof deltasOfEvents>) => deltas.filter((delta) => delta.kind === "content").map((delta) => (delta.kind === "content" ? delta.delta : ""));
      expect(text(deltasOfEvents(events))).toEqual(text(deltasOfChunks(sse.chunks)));
      expect(text(deltasOfEvents(events))).toHaveLength(3);
      expect(ofType(events, "ChatCompletionFinished")).toEqual([]);
      const last = events.at(-1) as unknown as { __typename: string; code: string; message: string; chargedUsage: { completionTokens: number; cost: string } };
      expect(last).toMatchObject({ __typename: "ChatCompletionError", message: sseError?.message });
      // The same error as SSE's: its code is the GraphQL code of the kind whose HTTP status SSE sent.
      expect(Object.values(ERROR_KINDS).some((kind) => kind.status === sseError?.code && kind.graphqlCode === last.code)).toBe(true);
      await gateway.services.completions.drain();
      const record = await gateway.services.generations.find(String(events[0]?.generationId));
      expect(record?.tokensCompletion).toBe(last.chargedUsage.completionTokens);
      expect(toUsdNumber(record?.totalCost ?? -1n)).toBe(Number(last.chargedUsage.cost));
    } finally {
      await client.dispose();
    }
  });
});

describe("refusals before the first token", () => {
  it("is a PAYMENT_REQUIRED GraphQL error for a key whose account cannot pay", async () => {
    const broke = await createFundedKey(gateway, { usd: "0" });
    const client = webSocketClient(gateway.url, broke.apiKey);
    try {
      const outcome = await subscribeToChatCompletion(client, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      expect(outcome.events).toEqual([]);
      expect(outcome.errors[0]?.extensions).toMatchObject({ code: "PAYMENT_REQUIRED", status: 402 });
    } finally {
      await client.dispose();
    }
  });

  it("is a RATE_LIMITED GraphQL error when the upstream refuses with 429", async () => {
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const outcome = await subscribeToChatCompletion(client, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi [[error:429]]" }] });
      expect(outcome.events).toEqual([]);
      expect(outcome.errors[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    } finally {
      await client.dispose();
    }
  });

  it("is a BAD_USER_INPUT GraphQL error for a request the parser refuses", async () => {
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const outcome = await subscribeToChatCompletion(client, { model: "openai/gpt-4o-mini", temperature: 7, messages: [{ role: "user", content: "hi" }] });
      expect(outcome.events).toEqual([]);
      expect(outcome.errors[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", status: 400 });
    } finally {
      await client.dispose();
    }
  });

  it("refuses a stream past GRAPHQL_WS_MAX_STREAMS_PER_SOCKET with RATE_LIMITED, and admits one again once a slot is free", async () => {
    const client = webSocketClient(gateway.url, key.apiKey);
    try {
      const slow = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "slow [[words:400]] [[delay:50]]" }] };
      const opened: Array<Promise<unknown>> = [];
      let startedCount = 0;
      const bothStarted = new Promise<void>((resolve) => {
        for (let index = 0; index < 2; index += 1) {
          opened.push(
            subscribeToChatCompletion(client, slow, (event) => {
              if (event.__typename !== "ChatCompletionContentDelta") return undefined;
              startedCount += 1;
              if (startedCount === 2) resolve();
              return "stop";
            }),
          );
        }
      });
      // Each stream stops at its first token; until both got one, both slots are held.
      const third = subscribeToChatCompletion(client, slow, () => "stop");
      const refused = await third;
      expect(refused.errors[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", status: 429, scope: "socket", limit: 2 });
      await bothStarted;
      await Promise.all(opened);
      await gateway.services.completions.drain();
      const again = await subscribeToChatCompletion(client, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      expect(again.errors).toEqual([]);
      expect(again.events.at(-1)?.__typename).toBe("ChatCompletionFinished");
    } finally {
      await client.dispose();
    }
  });
});
