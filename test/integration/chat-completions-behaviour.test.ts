import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import OpenAI from "openai";
import { formatUsd } from "../../src/billing/money.js";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { SimulatedGateway } from "../support/simulated-gateway.js";
import { startSimulatedGateway } from "../support/simulated-gateway.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { deadDeepInfraEnv } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";

/**
 * How the completion pipeline behaves around the happy path: routing and failover, keep-alives, mid-stream
 * failures, client disconnects, the pre-flight 402, legacy completions, generation records, GraphQL and the
 * Vercel AI SDK.
 */

let setup: SimulatedGateway | undefined;
let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const CHAT = "/api/v1/chat/completions";
const LLAMA = "meta-llama/llama-3.3-70b-instruct";

beforeAll(async () => {
  setup = await startSimulatedGateway({
    usd: "50",
    env: deadDeepInfraEnv,
    // The dead DeepInfra endpoint fails on every request that tries it; the breaker is kept closed here so those
    // failures do not change which endpoints the tests below see (routing-*.test.ts covers the breaker).
    config: { STREAM_KEEPALIVE_MS: "100", BREAKER_MIN_ATTEMPTS: "1000" },
  });
  ({ providers, gateway, key } = setup);
});

afterAll(async () => {
  await setup?.stop();
});

function url(path: string): string {
  return `${gateway.url}${path}`;
}

describe("prompt caching", () => {
  it("forwards OpenRouter-style cache_control breakpoints to Anthropic, and parses them for every provider", async () => {
    const messages = [
      { role: "system", content: [{ type: "text", text: "You answer questions about the attached handbook.", cache_control: { type: "ephemeral" } }] },
      {
        role: "user",
        content: [
          { type: "text", text: "HANDBOOK: a long stable document", cache_control: { type: "ephemeral", ttl: "1h" } },
          { type: "text", text: "What does chapter 2 say?" },
        ],
      },
    ];
    const anthropic = await postJson(url(CHAT), { model: "anthropic/claude-haiku-4.5", messages }, key.apiKey);
    expect(anthropic.status).toBe(200);
    expect(providers.anthropic.requests.at(-1)?.body).toMatchObject({
      system: [{ type: "text", text: "You answer questions about the attached handbook.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", cache_control: { type: "ephemeral", ttl: "1h" } }, { type: "text", text: "What does chapter 2 say?" }] }],
    });
    // Providers that cache on their own take the same body; the marks are simply not sent.
    const openai = await postJson(url(CHAT), { model: "openai/gpt-4o-mini", messages }, key.apiKey);
    expect(openai.status).toBe(200);
    expect(JSON.stringify(providers.openai.requests.at(-1)?.body)).not.toContain("cache_control");
    const bad = await postJson(url(CHAT), { model: "anthropic/claude-haiku-4.5", messages: [{ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "forever" } }] }] }, key.apiKey);
    expect(bad.status).toBe(400);
  });
});

describe("files and audio", () => {
  const pdfData = `data:application/pdf;base64,${Buffer.from("%PDF-1.4 the handbook").toString("base64")}`;
  const client = () => new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey });
  const withPdf: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
    { role: "user", content: [{ type: "text", text: "Summarise the handbook." }, { type: "file", file: { filename: "handbook.pdf", file_data: pdfData } }] },
  ];

  it("sends a PDF from the openai SDK to each provider in its own form", async () => {
    const base64 = pdfData.slice("data:application/pdf;base64,".length);
    await client().chat.completions.create({ model: "anthropic/claude-haiku-4.5", messages: withPdf });
    expect(providers.anthropic.requests.at(-1)?.body).toMatchObject({
      messages: [{ role: "user", content: [{ type: "text", text: "Summarise the handbook." }, { type: "document", source: { type: "base64", media_type: "application/pdf", data: base64 }, title: "handbook.pdf" }] }],
    });
    await client().chat.completions.create({ model: "google/gemini-2.5-flash", messages: withPdf });
    expect(providers.gemini.requests.at(-1)?.body).toMatchObject({ contents: [{ role: "user", parts: [{ text: "Summarise the handbook." }, { inlineData: { mimeType: "application/pdf", data: base64 } }] }] });
    const answer = await client().chat.completions.create({ model: "openai/gpt-4o-mini", messages: withPdf });
    expect(providers.openai.requests.at(-1)?.body).toMatchObject({ messages: [{ role: "user", content: [{ type: "text" }, { type: "file", file: { filename: "handbook.pdf", file_data: pdfData } }] }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });

  it("sends audio to Gemini and OpenAI, and refuses it for Anthropic with a 400 that charges nothing", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: "user", content: [{ type: "text", text: "Transcribe this." }, { type: "input_audio", input_audio: { data: "UklGRiQAAABXQVZF", format: "wav" } }] },
    ];
    await client().chat.completions.create({ model: "google/gemini-2.5-flash", messages });
    expect(providers.gemini.requests.at(-1)?.body).toMatchObject({ contents: [{ parts: [{ text: "Transcribe this." }, { inlineData: { mimeType: "audio/wav", data: "UklGRiQAAABXQVZF" } }] }] });
    await client().chat.completions.create({ model: "openai/gpt-4o-mini", messages });
    expect(providers.openai.requests.at(-1)?.body).toMatchObject({ messages: [{ content: [{ type: "text" }, { type: "input_audio", input_audio: { data: "UklGRiQAAABXQVZF", format: "wav" } }] }] });

    const before = await key.balance();
    const sentToAnthropic = providers.anthropic.requests.length;
    const refused = await client()
      .chat.completions.create({ model: "anthropic/claude-haiku-4.5", messages })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/do not accept audio input/);
    expect(providers.anthropic.requests.length).toBe(sentToAnthropic);
    expect(await key.balance()).toBe(before);
  });

  it("refuses a file_id with a 400 naming the field", async () => {
    const response = await postJson(url(CHAT), { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc123" } }] }] }, key.apiKey);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; message: string; metadata: { field: string } } };
    expect(body.error).toMatchObject({ code: 400, metadata: { field: "messages[0].content[0].file.file_id" } });
    expect(body.error.message).toMatch(/file_data/);
  });

  it("takes files and audio through the GraphQL mutation", async () => {
    const result = await graphqlRequest<{ createChatCompletion: { provider: string } }>(
      gateway.url,
      `mutation($input: ChatCompletionInput!) { createChatCompletion(input: $input) { provider } }`,
      {
        apiKey: key.apiKey,
        variables: {
          input: {
            model: "google/gemini-2.5-flash",
            messages: [{ role: "user", content: "Compare them.", files: [{ filename: "handbook.pdf", fileData: pdfData }], audio: [{ data: "SUQz", format: "mp3" }] }],
          },
        },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(providers.gemini.requests.at(-1)?.body).toMatchObject({
      contents: [{ parts: [{ text: "Compare them." }, { inlineData: { mimeType: "application/pdf" } }, { inlineData: { mimeType: "audio/mp3", data: "SUQz" } }] }],
    });
  });
});

describe("routing", () => {
  it("fails over to the next endpoint when the first cannot be reached, and records both attempts", async () => {
    // Sorted by price, DeepInfra (cheapest, dead) is tried first whatever the earlier requests taught the router.
    const response = await postJson(url(CHAT), { model: LLAMA, messages: [{ role: "user", content: "hi" }], provider: { sort: "price" } }, key.apiKey);
    const body = (await response.json()) as { id: string; provider: string; model: string };
    expect(response.status).toBe(200);
    expect(body.provider).toBe("Groq");
    expect(body.model).toBe(LLAMA);
    const generation = await fetch(url(`/api/v1/generation?id=${body.id}`), { headers: { authorization: `Bearer ${key.apiKey}` } });
    const record = (await generation.json()) as { data: { provider_responses: Array<{ provider_name: string; status: number }> } };
    expect(record.data.provider_responses.map((attempt) => attempt.provider_name)).toEqual(["DeepInfra", "Groq"]);
    expect(record.data.provider_responses[0]?.status).toBeGreaterThanOrEqual(500);
  });

  it("honours provider.order and allow_fallbacks: false", async () => {
    const response = await postJson(
      url(CHAT),
      { model: LLAMA, messages: [{ role: "user", content: "hi" }], provider: { order: ["deepinfra"], allow_fallbacks: false } },
      key.apiKey,
    );
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: number; metadata: { previous_errors: unknown[] } } };
    expect(body.error.code).toBe(502);
    expect(body.error.metadata.previous_errors).toHaveLength(1);
  });

  it("falls back to the next model in `models` when the first has no usable endpoint", async () => {
    const response = await postJson(url(CHAT), { model: "mistralai/mistral-large", models: ["openai/gpt-4o-mini"], messages: [{ role: "user", content: "hi" }] }, key.apiKey);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { model: string }).model).toBe("openai/gpt-4o-mini");
  });

  it("says which provider to configure when no configured provider serves the model (503)", async () => {
    const response = await postJson(url(CHAT), { model: "mistralai/mistral-large", messages: [{ role: "user", content: "hi" }] }, key.apiKey);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string; metadata: { env: string[] } } };
    expect(body.error.message).toContain("mistral");
    expect(body.error.message).toContain("set MISTRAL_API_KEY (mistral)");
    expect(body.error.metadata.env).toEqual(["MISTRAL_API_KEY"]);
    expectOpenRouterResponse(CHAT, "post", 503, body);
  });

  it("404s with the reason when require_parameters leaves no endpoint", async () => {
    const response = await postJson(
      url(CHAT),
      { model: "anthropic/claude-haiku-4.5", messages: [{ role: "user", content: "hi" }], seed: 3, provider: { require_parameters: true } },
      key.apiKey,
    );
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("seed");
  });

  describe("data policy, quantization and price filters", () => {
    const ask = (model: string, provider: Record<string, unknown>) => postJson(url(CHAT), { model, messages: [{ role: "user", content: "hi" }], provider }, key.apiKey);
    const errorOf = async (response: Response) => ((await response.json()) as { error: { code: number; message: string } }).error;

    it("data_collection: deny keeps only providers that neither keep nor train on prompts", async () => {
      // OpenAI keeps prompts for 30 days (catalog data policy), so nothing is left for gpt-4o-mini.
      const refused = await ask("openai/gpt-4o-mini", { data_collection: "deny" });
      expect(refused.status).toBe(404);
      expect((await errorOf(refused)).message).toContain("data_collection: deny");
      // Groq keeps nothing, so Llama is still served (after DeepInfra, also allowed, fails).
      const served = await ask(LLAMA, { data_collection: "deny" });
      expect(served.status).toBe(200);
      expect(((await served.json()) as { provider: string }).provider).toBe("Groq");
    });

    it("zdr: true refuses a model whose only provider retains prompts", async () => {
      const refused = await ask("openai/gpt-4o-mini", { zdr: true });
      expect(refused.status).toBe(404);
      expect((await errorOf(refused)).message).toContain("zero data retention");
      expect((await ask(LLAMA, { zdr: true })).status).toBe(200);
    });

    it("max_price is a hard, inclusive ceiling per million tokens", async () => {
      // Llama 3.3 70B on Groq costs exactly $0.59 per million prompt tokens; DeepInfra ($0.13) is unreachable.
      const atGroqPrice = await ask(LLAMA, { max_price: { prompt: 0.59, completion: "0.79" } });
      expect(atGroqPrice.status).toBe(200);
      const belowAll = await ask(LLAMA, { max_price: { prompt: 0.1 } });
      expect(belowAll.status).toBe(404);
      expect((await errorOf(belowAll)).message).toContain("max_price");
      // Below Groq's price only DeepInfra is left, so its failure is the answer: nothing dearer was tried.
      const onlyDeepInfra = await ask(LLAMA, { max_price: { prompt: 0.5 } });
      expect(onlyDeepInfra.status).toBe(502);
    });

    it("quantizations keeps only endpoints of those precisions", async () => {
      const none = await ask(LLAMA, { quantizations: ["int4"] });
      expect(none.status).toBe(404);
      expect((await errorOf(none)).message).toContain("quantization int4");
      // fp16 Llama is served by Fireworks and Cerebras, neither configured here: a 503 naming them.
      const unconfigured = await ask(LLAMA, { quantizations: ["fp16"] });
      expect(unconfigured.status).toBe(503);
      expect((await errorOf(unconfigured)).message).toMatch(/fireworks.*cerebras|cerebras.*fireworks/);
    });

    it("rejects a malformed max_price, naming the field", async () => {
      const response = await ask(LLAMA, { max_price: { prompt: "cheap" } });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toContain("provider.max_price.prompt");
    });
  });
});

describe("streaming", () => {
  it("sends `: OPENROUTER PROCESSING` comments while the upstream is silent", async () => {
    const transcript = await readSse(
      await postJson(url(CHAT), { model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "slow [[delay:350]] [[words:2]]" }] }, key.apiKey),
    );
    expect(transcript.status).toBe(200);
    expect(transcript.comments).toContain("OPENROUTER PROCESSING");
    expect(transcript.events.at(-1)).toBe("[DONE]");
  });

  it("ends a stream whose upstream fails mid-way with finish_reason error and an error object, and charges what was generated", async () => {
    const transcript = await readSse(
      await postJson(url(CHAT), { model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "go [[words:20]] [[fail-after:3]]" }] }, key.apiKey),
    );
    const errorChunk = transcript.chunks.find((chunk) => "error" in chunk) as { error: { code: number; message: string }; choices: Array<{ finish_reason: string }> } | undefined;
    expect(errorChunk?.choices[0]?.finish_reason).toBe("error");
    expect(errorChunk?.error.code).toBeGreaterThanOrEqual(500);
    const usageChunk = transcript.chunks.at(-1) as { usage: { completion_tokens: number; cost: number } };
    expect(usageChunk.usage.completion_tokens).toBe(3);
    expect(usageChunk.usage.cost).toBeGreaterThan(0);
  });

  it("aborts the upstream when the client disconnects, and charges only the tokens streamed", async () => {
    const controller = new AbortController();
    const response = await fetch(url(CHAT), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.apiKey}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "long [[words:400]] [[delay:20]]" }] }),
      signal: controller.signal,
    });
    const generationId = response.headers.get("x-generation-id") ?? "";
    const reader = response.body?.getReader();
    let received = "";
    while (!received.includes('word5"')) {
      const next = await reader?.read();
      if (next === undefined || next.done) break;
      received += new TextDecoder().decode(next.value);
    }
    controller.abort();
    const upstream = providers.openai.requests.at(-1);
    await expect.poll(() => upstream?.clientClosedEarly, { timeout: 5000 }).toBe(true);
    const generation = await expect
      .poll(async () => (await gateway.services.generations.find(generationId)) ?? null, { timeout: 5000 })
      .not.toBeNull()
      .then(() => gateway.services.generations.find(generationId));
    expect(generation?.cancelled).toBe(true);
    expect(generation?.tokensCompletion).toBeGreaterThanOrEqual(5);
    expect(generation?.tokensCompletion).toBeLessThan(400);
    // The charge is the streamed tokens at the endpoint's prices: prompt and completion at gpt-4o-mini's list price.
    const endpoint = gateway.services.catalog.snapshot().resolve("openai/gpt-4o-mini")?.endpoints[0];
    const expected = BigInt(generation?.tokensPrompt ?? 0) * (endpoint?.pricing.prompt ?? 0n) + BigInt(generation?.tokensCompletion ?? 0) * (endpoint?.pricing.completion ?? 0n);
    expect(generation?.totalCost).toBe(expected);
  });
});

describe("client gone before a non-streamed answer", () => {
  it("aborts the upstream and charges nothing", async () => {
    const before = await key.balance();
    const requestsBefore = providers.openai.requests.length;
    const controller = new AbortController();
    const pending = fetch(url(CHAT), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.apiKey}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "slow [[delay:3000]]" }] }),
      signal: controller.signal,
    });
    await expect.poll(() => providers.openai.requests.length, { timeout: 5000 }).toBe(requestsBefore + 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const upstream = providers.openai.requests.at(-1);
    await expect.poll(() => upstream?.clientClosedEarly, { timeout: 2000 }).toBe(true);
    await gateway.services.completions.drain();
    expect(await key.balance()).toBe(before);
  });
});

describe("billing", () => {
  it("refuses up front with 402 and the number of tokens the balance can afford", async () => {
    const poor = await createFundedKey(gateway, { usd: "0.001" });
    const response = await postJson(url(CHAT), { model: "openai/gpt-4o-mini", max_tokens: 100_000, messages: [{ role: "user", content: "hi" }] }, poor.apiKey);
    expect(response.status).toBe(402);
    const body = (await response.json()) as { error: { message: string; metadata: { affordable_tokens: number } } };
    expect(body.error.message).toMatch(/You requested up to 100000 tokens, but can only afford \d+/);
    // $0.001 at $0.60 per million output tokens affords about 1,666 tokens after the prompt.
    expect(body.error.metadata.affordable_tokens).toBeGreaterThan(1000);
    expect(body.error.metadata.affordable_tokens).toBeLessThan(1667);
  });

  it("charges nothing when the upstream fails before producing anything", async () => {
    const before = await key.balance();
    const response = await postJson(url(CHAT), { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "[[error:500]]" }] }, key.apiKey);
    expect(response.status).toBe(502);
    expect(await key.balance()).toBe(before);
  });
});

describe("other surfaces", () => {
  it("serves legacy /completions with a prompt", async () => {
    const response = await postJson(url("/api/v1/completions"), { model: "openai/gpt-4o-mini", prompt: "Once upon a time [[echo]]" }, key.apiKey);
    const body = (await response.json()) as { object: string; choices: Array<{ text: string }>; usage: { cost: number } };
    expect(response.status).toBe(200);
    expect(body.object).toBe("text_completion");
    expect(body.choices[0]?.text).toBe("Once upon a time");
  });

  it("reports a generation with tokens, cost, timing and provider, matching the response", async () => {
    const response = await postJson(url(CHAT), { model: "anthropic/claude-haiku-4.5", messages: [{ role: "user", content: "hello [[cached:5]]" }] }, key.apiKey);
    const completion = (await response.json()) as { id: string; usage: { prompt_tokens: number; completion_tokens: number; cost: number; prompt_tokens_details: { cached_tokens: number } } };
    expect(completion.usage.prompt_tokens_details.cached_tokens).toBe(5);
    const generation = await fetch(url(`/api/v1/generation?id=${completion.id}`), { headers: { authorization: `Bearer ${key.apiKey}` } });
    const body = (await generation.json()) as { data: Record<string, unknown> };
    expect(generation.status).toBe(200);
    expect(body.data.tokens_prompt).toBe(completion.usage.prompt_tokens);
    expect(body.data.tokens_completion).toBe(completion.usage.completion_tokens);
    expect(body.data.native_tokens_cached).toBe(5);
    expect(body.data.total_cost).toBe(completion.usage.cost);
    expect(body.data.provider_name).toBe("Anthropic");
    expect(body.data.streamed).toBe(false);
    expectOpenRouterResponse("/api/v1/generation", "get", 200, body);
  });

  it("hides another account's generation (404)", async () => {
    const other = await createFundedKey(gateway, { usd: "1" });
    const response = await postJson(url(CHAT), { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "mine" }] }, key.apiKey);
    const { id } = (await response.json()) as { id: string };
    const peek = await fetch(url(`/api/v1/generation?id=${id}`), { headers: { authorization: `Bearer ${other.apiKey}` } });
    expect(peek.status).toBe(404);
  });

  it("serves the same completion through the GraphQL mutation, with the exact cost as a Decimal", async () => {
    const result = await graphqlRequest<{ createChatCompletion: { id: string; provider: string; finishReason: string; message: { content: string }; usage: { cost: string; completionTokens: number } } }>(
      gateway.url,
      `mutation($input: ChatCompletionInput!) { createChatCompletion(input: $input) { id provider finishReason message { content toolCalls { id name arguments } } usage { cost completionTokens promptTokens } } }`,
      { apiKey: key.apiKey, variables: { input: { model: "google/gemini-2.5-flash", messages: [{ role: "user", content: "Say hello" }] } } },
    );
    expect(result.errors).toBeUndefined();
    const completion = result.data?.createChatCompletion;
    expect(completion?.provider).toBe("Google AI Studio");
    expect(completion?.message.content).toContain("Hello!");
    const generation = await gateway.services.generations.find(completion?.id ?? "");
    expect(completion?.usage.cost).toBe(formatUsd(generation?.totalCost ?? -1n));
  });

  it("refuses the GraphQL mutation without a key (UNAUTHENTICATED)", async () => {
    const result = await graphqlRequest(gateway.url, `mutation { createChatCompletion(input: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) { id } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("works with the Vercel AI SDK's OpenAI-compatible provider: generateText and streamText", async () => {
    const gatewayProvider = createOpenAICompatible({ name: "gateway", baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, includeUsage: true });
    const generated = await generateText({ model: gatewayProvider("openai/gpt-4o-mini"), prompt: "Say hello" });
    expect(generated.text).toContain("Hello!");
    expect(generated.usage.outputTokens).toBeGreaterThan(0);
    const streamed = streamText({ model: gatewayProvider("anthropic/claude-haiku-4.5"), prompt: "Say hello" });
    let text = "";
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toContain("Hello!");
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
  });
});
