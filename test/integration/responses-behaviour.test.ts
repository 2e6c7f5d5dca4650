import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import { contractsAvailable, expectOpenRouterResponse, expectOpenRouterSchema, validateOpenRouterRequest } from "../support/contract.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { DEAD_BASE_URL, SIMULATOR_KEYS, startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson, readSse } from "../support/sse.js";
import type { SseTranscript } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `POST /api/v1/responses` over raw HTTP: request translation for each upstream (instructions, images, files,
 * tools, tool choice, json_schema, the output limit), routing (`models`, failover before the first byte),
 * admission (402, 401, the free tier), keep-alive comments, an upstream failing mid-stream (`response.failed`,
 * charged for what was generated) and a client gone mid-stream (upstream aborted, generation cancelled).
 */

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;
const RESPONSES = "/api/v1/responses";
const LLAMA = "meta-llama/llama-3.3-70b-instruct";

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({
    env: {
      ...providers.env,
      // Llama 3.3 70B: DeepInfra is the cheapest endpoint but unreachable; Groq (next by price) is the simulator.
      DEEPINFRA_API_KEY: "dead",
      DEEPINFRA_BASE_URL: DEAD_BASE_URL,
      GROQ_API_KEY: SIMULATOR_KEYS.openai,
      GROQ_BASE_URL: `${providers.openai.url}/v1`,
    },
    config: { STREAM_KEEPALIVE_MS: "100", FREE_MODEL_REQUESTS_PER_MINUTE: "2" },
  });
  key = await createFundedKey(gateway, { usd: "50" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

function post(body: unknown, apiKey: string = key.apiKey): Promise<Response> {
  return postJson(`${gateway.url}${RESPONSES}`, body, apiKey);
}

/** The last named event of a stream, which ends with OpenRouter's `[DONE]` sentinel after it. */
function lastEventName(streamed: SseTranscript): string | undefined {
  expect(streamed.events.at(-1)).toBe("[DONE]");
  return streamed.eventNames.filter((name) => name !== undefined).at(-1);
}

interface ResponseBody {
  id: string;
  model: string;
  status: string;
  output: Array<{ type: string; content?: Array<{ text: string }> }>;
  incomplete_details: { reason: string } | null;
}

describe("request translation", () => {
  const PDF = Buffer.from("%PDF-1.4 simulated").toString("base64");
  const PNG = Buffer.from("png bytes").toString("base64");
  const body = {
    instructions: "You read handbooks.",
    max_output_tokens: 300,
    user: "user-42",
    tool_choice: "required",
    tools: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
    input: [
      { role: "developer", content: "Answer in English." },
      {
        role: "user",
        content: [
          { type: "input_file", filename: "handbook.pdf", file_data: `data:application/pdf;base64,${PDF}` },
          { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "high" },
          { type: "input_text", text: "What does it say?" },
        ],
      },
    ],
  };

  it("hands OpenAI the conversation in its own shape, answering with X-Generation-Id equal to the response id", async () => {
    // The request is one OpenRouter's description accepts, so the translation is tested on a real client's body.
    if (contractsAvailable()) expect(validateOpenRouterRequest(RESPONSES, "post", { ...body, model: "openai/gpt-4o-mini" })).toEqual([]);
    const response = await post({ ...body, model: "openai/gpt-4o-mini", previous_response_id: null });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as ResponseBody;
    expect(response.headers.get("x-generation-id")).toBe(answer.id);
    expectOpenRouterResponse(RESPONSES, "post", 200, answer);
    expect(answer.output.map((item) => item.type)).toEqual(["function_call"]);
    expect(providers.openai.requests.at(-1)?.body).toMatchObject({
      tool_choice: "required",
      user: "user-42",
      messages: [
        { role: "system", content: "You read handbooks." },
        { role: "system", content: "Answer in English." },
        { role: "user", content: [{ type: "file" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } }, { type: "text", text: "What does it say?" }] },
      ],
      tools: [{ type: "function", function: { name: "get_weather" } }],
    });
  });

  it("hands Anthropic the system prompt, the document, the image, the tool choice and max_tokens", async () => {
    const response = await post({ ...body, model: "anthropic/claude-haiku-4.5" });
    expect(response.status).toBe(200);
    expect(providers.anthropic.requests.at(-1)?.body).toMatchObject({
      max_tokens: 300,
      tool_choice: { type: "any" },
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "What does it say?" },
          ],
        },
      ],
    });
    const system = JSON.stringify((providers.anthropic.requests.at(-1)?.body as { system?: unknown }).system);
    expect(system).toContain("You read handbooks.");
    expect(system).toContain("Answer in English.");
  });

  it("hands Gemini a function-call round trip by name, and json_schema as its response schema", async () => {
    const response = await post({
      model: "google/gemini-2.5-flash",
      text: { format: { type: "json_schema", name: "reading", schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "Sunny" },
      ],
    });
    expect(response.status).toBe(200);
    const sent = JSON.stringify(providers.gemini.requests.at(-1)?.body);
    expect(sent).toContain('"functionCall"');
    expect(sent).toContain('"functionResponse"');
    expect(sent).toContain('"name":"get_weather"');
    expect(sent).toContain("responseMimeType");
  });

  it("says a response cut by max_output_tokens is incomplete, streamed and not", async () => {
    const request = { model: "openai/gpt-4o-mini", max_output_tokens: 3, input: "long [[words:50]]" };
    const whole = (await (await post(request)).json()) as ResponseBody;
    expect(whole.status).toBe("incomplete");
    expect(whole.incomplete_details).toEqual({ reason: "max_output_tokens" });
    const streamed = await readSse(await post({ ...request, stream: true }));
    expect(lastEventName(streamed)).toBe("response.incomplete");
    expect(streamed.chunks.at(-1)).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } });
  });
});

describe("routing, admission and streaming around the answer", () => {
  it("tries the models in order when the first has no usable endpoint", async () => {
    const response = await post({ model: "mistralai/mistral-large", models: ["openai/gpt-4o-mini"], input: "hi" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ResponseBody).model).toBe("openai/gpt-4o-mini");
  });

  it("fails over to the next endpoint before the first byte, streamed, and records both attempts", async () => {
    // Sorted by price, so the unreachable cheapest endpoint is surely tried first (the default is a price-weighted draw).
    const streamed = await readSse(await post({ model: LLAMA, stream: true, input: "hi", provider: { sort: "price" } }));
    expect(streamed.status).toBe(200);
    const created = streamed.chunks[0] as { response: { id: string } };
    await gateway.services.completions.drain();
    const generation = await gateway.services.generations.find(created.response.id);
    expect(generation?.providerResponses.map((attempt) => attempt.provider)).toEqual(["deepinfra", "groq"]);
    expect(generation?.apiType).toBe("responses");
    expect(generation?.streamed).toBe(true);
  });

  it("sends keep-alive comments while the upstream is silent", async () => {
    const streamed = await readSse(await post({ model: "openai/gpt-4o-mini", stream: true, input: "slow [[delay:350]] [[words:2]]" }));
    expect(streamed.comments).toContain("OPENROUTER PROCESSING");
    expect(lastEventName(streamed)).toBe("response.completed");
  });

  it("answers 402 in OpenRouter's envelope when the balance cannot cover the request, and 401 without a key", async () => {
    const poor = await createFundedKey(gateway, { usd: "0.0001" });
    const refused = await post({ model: "openai/gpt-4o-mini", max_output_tokens: 100_000, stream: true, input: "hi" }, poor.apiKey);
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(402);
    expect(body.error.message).toMatch(/can only afford \d+/);
    expectOpenRouterResponse(RESPONSES, "post", 402, body);
    const anonymous = await fetch(`${gateway.url}${RESPONSES}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi" }) });
    expect(anonymous.status).toBe(401);
    expectOpenRouterResponse(RESPONSES, "post", 401, await anonymous.json());
  });

  it("counts free-model requests against the free tier, refusing the one past the limit with a 429", async () => {
    const free = await createFundedKey(gateway, { usd: "1", name: "free tier" });
    const ask = (): Promise<Response> => post({ model: "google/gemma-3-27b-it:free", input: "hi" }, free.apiKey);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expectOpenRouterResponse(RESPONSES, "post", 429, await refused.json());
  });

  it("ends a stream whose upstream fails mid-way with response.failed, and charges what was generated", async () => {
    const streamed = await readSse(await post({ model: "openai/gpt-4o-mini", stream: true, input: "go [[words:20]] [[fail-after:3]]" }));
    expect(lastEventName(streamed)).toBe("response.failed");
    expect(streamed.eventNames).not.toContain("response.completed");
    const failure = streamed.chunks.at(-1);
    expectOpenRouterSchema("ResponsesStreamingResponse", { data: failure });
    expect(failure).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "server_error" } } });
    // The text streamed before the failure is closed properly, in the failed response's output too.
    expect(streamed.eventNames).toContain("response.output_item.done");
    const id = (streamed.chunks[0] as { response: { id: string } }).response.id;
    await gateway.services.completions.drain();
    const generation = await gateway.services.generations.find(id);
    expect(generation?.tokensCompletion).toBe(3);
    expect(generation?.totalCost).toBeGreaterThan(0n);
  });

  it("ends a stream that failed before its answer began, once keep-alives went out, with an error event in the envelope's terms", async () => {
    const before = await key.balance();
    const streamed = await readSse(await post({ model: "openai/gpt-4o-mini", stream: true, input: "slow [[delay:350]] [[fail-after:0]]" }));
    expect(streamed.status).toBe(200);
    expect(streamed.comments).toContain("OPENROUTER PROCESSING");
    expect(lastEventName(streamed)).toBe("error");
    expect(streamed.eventNames).not.toContain("response.created");
    const failure = streamed.chunks.at(-1);
    expectOpenRouterSchema("ResponsesStreamingResponse", { data: failure });
    expect(failure).toMatchObject({ type: "error", code: expect.any(String), message: expect.any(String), param: null, sequence_number: 0 });
    await gateway.services.completions.drain();
    expect(await key.balance()).toBe(before);
  });

  it("aborts the upstream when the client disconnects mid-stream, and records the generation as cancelled", async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}${RESPONSES}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.apiKey}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, input: "long [[words:400]] [[delay:20]]" }),
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
