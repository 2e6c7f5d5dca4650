import { createAnthropic } from "@ai-sdk/anthropic";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import { contractsAvailable, expectOpenRouterResponse, expectOpenRouterSchema, validateOpenRouterRequest } from "../support/contract.js";
import type { SimulatedGateway } from "../support/simulated-gateway.js";
import { startSimulatedGateway } from "../support/simulated-gateway.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { deadDeepInfraEnv } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * `POST /api/v1/messages` over raw HTTP: bodies and events against OpenRouter's description of the endpoint, the
 * same usage and cost as chat completions for the same answer, request translation for each upstream, stop
 * sequences, routing (fallbacks, failover before the first byte), keep-alive pings, a client gone mid-stream,
 * and the Vercel AI SDK's Anthropic provider.
 */

let setup: SimulatedGateway | undefined;
let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const MESSAGES = "/api/v1/messages";
const CHAT = "/api/v1/chat/completions";
const LLAMA = "meta-llama/llama-3.3-70b-instruct";
const MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"] as const;

beforeAll(async () => {
  setup = await startSimulatedGateway({
    usd: "50",
    env: deadDeepInfraEnv,
    // As in chat-completions-behaviour: the dead DeepInfra endpoint fails every request that tries it, and the
    // breaker is kept closed so those failures do not change which endpoints later tests see.
    config: { STREAM_KEEPALIVE_MS: "100", FREE_MODEL_REQUESTS_PER_MINUTE: "2", BREAKER_MIN_ATTEMPTS: "1000" },
  });
  ({ providers, gateway, key } = setup);
});

afterAll(async () => {
  await setup?.stop();
});

function url(path: string): string {
  return `${gateway.url}${path}`;
}

/** POSTs to /messages as Anthropic's clients do: `x-api-key` and `anthropic-version`. */
function postMessages(body: unknown, apiKey: string = key.apiKey): Promise<Response> {
  return fetch(url(MESSAGES), {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey, "anthropic-version": "2023-06-01" },
    body: JSON.stringify(body),
  });
}

interface MessageBody {
  id: string;
  model: string;
  content: Array<{ type: string; text?: string }>;
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; cost: number };
}

function textOf(body: MessageBody): string {
  return body.content.map((block) => block.text ?? "").join("");
}

describe.each(MODELS)("%s through /messages", (model) => {
  it("matches OpenRouter's description: the request, the Message body, every stream event, in Anthropic's order", async () => {
    const request = { model, max_tokens: 512, messages: [{ role: "user", content: "hello [[reasoning]]" }], tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }] };
    if (contractsAvailable()) expect(validateOpenRouterRequest(MESSAGES, "post", request)).toEqual([]);
    const response = await postMessages(request);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MessageBody;
    expect(response.headers.get("x-generation-id")).toBe(body.id);
    expectOpenRouterResponse(MESSAGES, "post", 200, body);

    const streamed = await readSse(await postMessages({ ...request, stream: true }));
    expect(streamed.headers.get("x-generation-id")).toMatch(/^gen-/);
    expect(streamed.events).not.toContain("[DONE]");
    streamed.chunks.forEach((data, index) => {
      expect(data.type).toBe(streamed.eventNames[index]);
      expectOpenRouterSchema("MessagesStreamingResponse", { event: streamed.eventNames[index], data });
    });
    const names = streamed.eventNames;
    expect(names.slice(0, 2)).toEqual(["message_start", "ping"]);
    expect(names.slice(-2)).toEqual(["message_delta", "message_stop"]);
    const blocks = names.filter((name) => name === "content_block_start").length;
    expect(blocks).toBe(names.filter((name) => name === "content_block_stop").length);
    expect(blocks).toBe(body.content.length);
  });

  it("reports the same usage and charges the same cost as chat completions for the same answer", async () => {
    const content = "Same answer please [[words:9]] [[cached:8]]";
    const chat = (await (await postJson(url(CHAT), { model, max_tokens: 100, messages: [{ role: "user", content }] }, key.apiKey)).json()) as {
      usage: { prompt_tokens: number; completion_tokens: number; cost: number; prompt_tokens_details: { cached_tokens: number } };
      choices: Array<{ message: { content: string } }>;
    };
    const message = (await (await postMessages({ model, max_tokens: 100, messages: [{ role: "user", content }] })).json()) as MessageBody;
    expect(textOf(message)).toBe(chat.choices[0]?.message.content);
    const { usage } = message;
    expect(usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens).toBe(chat.usage.prompt_tokens);
    expect(usage.cache_read_input_tokens).toBe(chat.usage.prompt_tokens_details.cached_tokens);
    expect(usage.output_tokens).toBe(chat.usage.completion_tokens);
    expect(usage.cost).toBe(chat.usage.cost);
    expect(usage.cost).toBeGreaterThan(0);

    const streamed = await readSse(await postMessages({ model, max_tokens: 100, stream: true, messages: [{ role: "user", content }] }));
    const delta = streamed.chunks.find((chunk) => chunk.type === "message_delta") as { usage: MessageBody["usage"] } | undefined;
    expect(delta?.usage).toMatchObject({ input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cost: usage.cost });
  });
});

describe("request translation", () => {
  const PDF = Buffer.from("%PDF-1.4 simulated").toString("base64");
  const PNG = Buffer.from("png bytes").toString("base64");
  const body = {
    max_tokens: 300,
    system: [{ type: "text", text: "You read handbooks.", cache_control: { type: "ephemeral" } }],
    stop_sequences: ["###"],
    metadata: { user_id: "user-42" },
    tool_choice: { type: "any" },
    tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    messages: [
      {
        role: "user",
        content: [
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "handbook.pdf" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "text", text: "What does it say?", cache_control: { type: "ephemeral", ttl: "1h" } },
        ],
      },
    ],
  };

  it("hands Anthropic the system blocks, cache marks, document, image, stop sequences and tool choice", async () => {
    const response = await postMessages({ ...body, model: "anthropic/claude-haiku-4.5" });
    expect(response.status).toBe(200);
    expect(providers.anthropic.requests.at(-1)?.body).toMatchObject({
      system: [{ type: "text", text: "You read handbooks.", cache_control: { type: "ephemeral" } }],
      stop_sequences: ["###"],
      tool_choice: { type: "any" },
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "What does it say?", cache_control: { type: "ephemeral", ttl: "1h" } },
          ],
        },
      ],
    });
  });

  it("takes a request without max_tokens, as OpenRouter does, and still sends Anthropic the max_tokens it requires", async () => {
    const response = await postMessages({ model: "anthropic/claude-haiku-4.5", messages: [{ role: "user", content: "hi" }] });
    expect(response.status).toBe(200);
    expect((providers.anthropic.requests.at(-1)?.body as { max_tokens?: unknown }).max_tokens).toEqual(expect.any(Number));
  });

  it("hands OpenAI the same conversation in its own shape", async () => {
    const response = await postMessages({ ...body, model: "openai/gpt-4o-mini" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as MessageBody).stop_reason).toBe("tool_use");
    const sent = providers.openai.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      stop: ["###"],
      tool_choice: "required",
      user: "user-42",
      messages: [
        { role: "system", content: "You read handbooks." },
        { role: "user", content: [{ type: "file" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }, { type: "text", text: "What does it say?" }] },
      ],
    });
  });
});

describe("stop sequences", () => {
  const request = { max_tokens: 200, stop_sequences: ["simulated"], messages: [{ role: "user", content: "hello" }] };

  it("says which stop sequence matched when the upstream tells (Anthropic), streamed and not", async () => {
    const body = (await (await postMessages({ ...request, model: "anthropic/claude-haiku-4.5" })).json()) as MessageBody;
    expect(body.stop_reason).toBe("stop_sequence");
    expect(body.stop_sequence).toBe("simulated");
    expect(textOf(body)).toBe("Hello! This is the ");
    const streamed = await readSse(await postMessages({ ...request, model: "anthropic/claude-haiku-4.5", stream: true }));
    const delta = streamed.chunks.find((chunk) => chunk.type === "message_delta") as { delta: { stop_reason: string; stop_sequence: string | null } } | undefined;
    expect(delta?.delta).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "simulated" });
  });

  it("stops as asked on upstreams that do not say which sequence matched, with a plain end_turn", async () => {
    const body = (await (await postMessages({ ...request, model: "openai/gpt-4o-mini" })).json()) as MessageBody;
    expect(textOf(body)).toBe("Hello! This is the ");
    expect(body.stop_reason).toBe("end_turn");
    expect(body.stop_sequence).toBeNull();
  });
});

describe("routing, admission and streaming around the answer", () => {
  it("tries the fallbacks in order when the model has no usable endpoint", async () => {
    const response = await postMessages({ model: "mistralai/mistral-large", fallbacks: [{ model: "openai/gpt-4o-mini" }], max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as MessageBody).model).toBe("openai/gpt-4o-mini");
    const both = await postMessages({ model: "openai/gpt-4o-mini", models: ["x/y"], fallbacks: [{ model: "openai/gpt-4o" }], max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    expect(both.status).toBe(400);
  });

  it("fails over to the next endpoint before the first byte, streamed, and records both attempts", async () => {
    // Sorted by price, so the unreachable cheapest endpoint is surely tried first (the default is a price-weighted draw).
    const streamed = await readSse(await postMessages({ model: LLAMA, max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }], provider: { sort: "price" } }));
    expect(streamed.status).toBe(200);
    const start = streamed.chunks[0] as { message: { provider: string; id: string } };
    expect(start.message.provider).toBe("Groq");
    await gateway.services.completions.drain();
    const generation = await gateway.services.generations.find(start.message.id);
    expect(generation?.providerResponses.map((attempt) => attempt.provider)).toEqual(["deepinfra", "groq"]);
  });

  it("sends ping events while the upstream is silent", async () => {
    const streamed = await readSse(await postMessages({ model: "openai/gpt-4o-mini", max_tokens: 50, stream: true, messages: [{ role: "user", content: "slow [[delay:350]] [[words:2]]" }] }));
    const firstStart = streamed.eventNames.indexOf("message_start");
    expect(streamed.eventNames.slice(0, firstStart)).toContain("ping");
    expect(streamed.eventNames.at(-1)).toBe("message_stop");
  });

  it("answers 402 in Anthropic's shape when the balance cannot cover the request, and 401 without a key", async () => {
    const poor = await createFundedKey(gateway, { usd: "0.0001" });
    const refused = await postMessages({ model: "openai/gpt-4o-mini", max_tokens: 100_000, stream: true, messages: [{ role: "user", content: "hi" }] }, poor.apiKey);
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { type: string; error: { type: string; message: string }; metadata: { affordable_tokens: number } };
    expect(body).toMatchObject({ type: "error", error: { type: "billing_error" } });
    expect(body.error.message).toMatch(/can only afford \d+/);
    expect(body.metadata.affordable_tokens).toBeGreaterThan(0);
    expectOpenRouterSchema("AnthropicMessagesErrorResponse", body);
    const anonymous = await fetch(url(MESSAGES), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 5, messages: [] }) });
    expect(anonymous.status).toBe(401);
    const unauthenticated = await anonymous.json();
    expect(unauthenticated).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expectOpenRouterResponse(MESSAGES, "post", 401, unauthenticated);
  });

  it("counts free-model requests against the free tier, refusing the one past the limit with a 429 rate_limit_error", async () => {
    const free = await createFundedKey(gateway, { usd: "1", name: "free tier" });
    const ask = (): Promise<Response> => postMessages({ model: "google/gemma-3-27b-it:free", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }, free.apiKey);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    const body = await refused.json();
    expect(body).toMatchObject({ type: "error", error: { type: "rate_limit_error", error_type: "rate_limit_exceeded" } });
    expectOpenRouterResponse(MESSAGES, "post", 429, body);
  });

  it("ends a stream whose upstream fails mid-way with Anthropic's error event, and charges what was generated", async () => {
    const streamed = await readSse(await postMessages({ model: "openai/gpt-4o-mini", max_tokens: 100, stream: true, messages: [{ role: "user", content: "go [[words:20]] [[fail-after:3]]" }] }));
    expect(streamed.eventNames.at(-1)).toBe("error");
    expect(streamed.eventNames).not.toContain("message_stop");
    const failure = streamed.chunks.at(-1);
    expectOpenRouterSchema("MessagesStreamingResponse", { event: "error", data: failure });
    expect(failure).toMatchObject({ type: "error", error: { type: "api_error" } });
    const id = (streamed.chunks[0] as { message: { id: string } }).message.id;
    await gateway.services.completions.drain();
    const generation = await gateway.services.generations.find(id);
    expect(generation?.tokensCompletion).toBe(3);
    expect(generation?.totalCost).toBeGreaterThan(0n);
  });

  it("aborts the upstream when the client disconnects mid-stream, and records the generation as cancelled", async () => {
    const controller = new AbortController();
    const response = await fetch(url(MESSAGES), {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key.apiKey },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 1000, stream: true, messages: [{ role: "user", content: "long [[words:400]] [[delay:20]]" }] }),
      signal: controller.signal,
    });
    const generationId = response.headers.get("x-generation-id") ?? "";
    const reader = response.body?.getReader();
    let received = "";
    while (!received.includes("word5")) {
      const next = await reader?.read();
      if (next === undefined || next.done) break;
      received += new TextDecoder().decode(next.value);
    }
    controller.abort();
    const upstream = providers.openai.requests.at(-1);
    await expect.poll(() => upstream?.clientClosedEarly, { timeout: 5000 }).toBe(true);
    await expect.poll(async () => (await gateway.services.generations.find(generationId))?.cancelled ?? null, { timeout: 5000 }).toBe(true);
    const generation = await gateway.services.generations.find(generationId);
    expect(generation?.tokensCompletion).toBeGreaterThanOrEqual(5);
    expect(generation?.tokensCompletion).toBeLessThan(400);
    expect(generation?.totalCost).toBeGreaterThan(0n);
  });
});

describe("the Vercel AI SDK's Anthropic provider pointed at the gateway", () => {
  it("generates, streams and calls a tool", async () => {
    const anthropic = createAnthropic({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey });
    const generated = await generateText({ model: anthropic("google/gemini-2.5-flash"), prompt: "Say hello" });
    expect(generated.text).toContain("Hello!");
    expect(generated.usage.outputTokens).toBeGreaterThan(0);

    const streamed = streamText({ model: anthropic("openai/gpt-4o-mini"), system: "Be brief.", prompt: "Say hello" });
    let text = "";
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toContain("Hello!");
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);

    const withTool = await generateText({
      model: anthropic("anthropic/claude-haiku-4.5"),
      prompt: "Weather in Paris?",
      tools: { get_weather: tool({ description: "Weather", inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }) }) },
    });
    expect(withTool.toolCalls[0]).toMatchObject({ toolName: "get_weather", input: { city: "example" } });
  });
});
