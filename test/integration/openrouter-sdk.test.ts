import { OpenRouter } from "@openrouter/sdk";
import type { ChatResult } from "@openrouter/sdk/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFundedKey } from "../support/api-keys.js";
import type { FundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * OpenRouter's own SDK (`@openrouter/sdk`) pointed at the gateway: every method for an endpoint the gateway
 * serves must pass the SDK's response validation (it parses each answer with its zod schemas and throws on a
 * missing or mistyped field), and return what the gateway holds.
 */

const MANAGEMENT_KEY = "sk-mgmt-openrouter-sdk-0123456789";
let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;

/** `chat.send` answers a result or an event stream; each test knows which it asked for. */
function whole(answer: ChatResult | AsyncIterable<unknown>): ChatResult {
  if (Symbol.asyncIterator in answer) throw new Error("expected a whole answer, got a stream");
  return answer;
}

function sdk(apiKey: string): OpenRouter {
  return new OpenRouter({ apiKey, serverURL: `${gateway.url}/api/v1` });
}

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env, config: { MANAGEMENT_KEY } });
  key = await createFundedKey(gateway, { usd: "5" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

describe("chat", () => {
  it("send: a plain answer", async () => {
    const result = whole(await sdk(key.apiKey).chat.send({ chatRequest: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] } }));
    expect(result.choices[0]?.message.content).toContain("Hello");
    expect(result.usage?.totalTokens).toBeGreaterThan(0);
  });

  it("send: a stream", async () => {
    const stream = await sdk(key.apiKey).chat.send({ chatRequest: { model: "anthropic/claude-haiku-4.5", messages: [{ role: "user", content: "Say hello" }], stream: true } });
    if (!(Symbol.asyncIterator in stream)) throw new Error("expected a stream");
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finishReason ?? finish;
    }
    expect(text).toContain("Hello");
    expect(finish).toBe("stop");
  });

  it("send: tools", async () => {
    const result = whole(await sdk(key.apiKey).chat.send({
      chatRequest: {
        model: "google/gemini-2.5-flash",
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }],
      },
    }));
    const call = result.choices[0]?.message.toolCalls?.[0];
    expect(call?.function.name).toBe("get_weather");
    expect(JSON.parse(call?.function.arguments ?? "{}")).toHaveProperty("city");
    expect(result.choices[0]?.finishReason).toBe("tool_calls");
  });
});

describe("catalog", () => {
  it("models: list and count", async () => {
    const pages = await sdk(key.apiKey).models.list();
    const ids = pages.result.data.map((model) => model.id);
    expect(ids).toContain("openai/gpt-4o-mini");
    const count = await sdk(key.apiKey).models.count();
    expect(count.data.count).toBe(ids.length);
  });

  it("endpoints: list", async () => {
    const listing = await sdk(key.apiKey).endpoints.list({ author: "openai", slug: "gpt-4o-mini" });
    expect(listing.data.id).toBe("openai/gpt-4o-mini");
    expect(listing.data.endpoints.map((endpoint) => endpoint.providerName)).toContain("OpenAI");
    expect(listing.data.endpoints[0]?.supportsToolChoice).toEqual({ auto: true, none: true, required: true, function: true });
  });

  it("providers: list", async () => {
    const listing = await sdk(key.apiKey).providers.list();
    expect(listing.data.map((provider) => provider.slug)).toContain("anthropic");
  });
});

describe("keys, credits and generations", () => {
  it("key metadata of the calling key", async () => {
    const current = await sdk(key.apiKey).apiKeys.getCurrentKeyMetadata();
    expect(current.data.label).toMatch(/^sk-gw-/);
    expect(current.data.isFreeTier).toBe(true);
    expect(current.data.freeModelDailyRequests).toEqual({ limit: 50, used: 0, remaining: 50 });
    expect(current.data.workspaceId).toBe(key.accountId);
    expect(current.data.organizationId).toBeNull();
  });

  it("credits", async () => {
    const credits = await sdk(key.apiKey).credits.getCredits();
    expect(credits.data.totalCredits).toBe(5);
  });

  it("keys: create, get, list, update, delete with the management key", async () => {
    const admin = sdk(MANAGEMENT_KEY);
    const created = await admin.apiKeys.create({ requestBody: { name: "sdk key", limit: 2, workspaceId: key.accountId } as never });
    expect(created.key).toMatch(/^sk-gw-/);
    const hash = created.data.hash;
    expect((await admin.apiKeys.get({ hash })).data.name).toBe("sdk key");
    const listed = await admin.apiKeys.list();
    expect(listed.data.map((row) => row.hash)).toContain(hash);
    const updated = await admin.apiKeys.update({ hash, requestBody: { name: "renamed", disabled: true } });
    expect(updated.data).toMatchObject({ name: "renamed", disabled: true });
    const deleted = await admin.apiKeys.delete({ hash });
    expect(deleted.deleted).toBe(true);
  });

  it("generation", async () => {
    const response = await fetch(`${gateway.url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.apiKey}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] }),
    });
    const id = response.headers.get("x-generation-id") ?? "";
    await gateway.services.completions.drain();
    const generation = await sdk(key.apiKey).generations.getGeneration({ id });
    expect(generation.data.id).toBe(id);
    expect(generation.data.model).toBe("openai/gpt-4o-mini");
  });
});

describe("app attribution", () => {
  async function generationOf(id: string): Promise<Record<string, unknown>> {
    await gateway.services.completions.drain();
    const response = await fetch(`${gateway.url}/api/v1/generation?id=${id}`, { headers: { authorization: `Bearer ${key.apiKey}` } });
    return ((await response.json()) as { data: Record<string, unknown> }).data;
  }

  it("records what the SDK sends (HTTP-Referer, X-OpenRouter-Title, its User-Agent) and /generation shows it", async () => {
    const answer = whole(
      await sdk(key.apiKey).chat.send({
        httpReferer: "https://app.example.com/chat",
        appTitle: "Example App",
        chatRequest: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] },
      }),
    );
    const generation = await generationOf(answer.id);
    expect(generation).toMatchObject({ http_referer: "https://app.example.com/chat", origin: "https://app.example.com", app_title: "Example App" });
    expect(generation.user_agent).toMatch(/openrouter|speakeasy/i);
  });

  it.each([
    ["chat, streamed", "/api/v1/chat/completions", { messages: [{ role: "user", content: "Hi" }], stream: true }],
    ["legacy completions", "/api/v1/completions", { prompt: "Hi" }],
  ])("records X-Title and User-Agent on %s", async (_label, path, body) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.apiKey}`, "http-referer": "not a url", "x-title": "Legacy Title", "user-agent": "curl/8.5.0" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", ...body }),
    });
    await response.text();
    const generation = await generationOf(response.headers.get("x-generation-id") ?? "");
    expect(generation).toMatchObject({ http_referer: "not a url", origin: "", app_title: "Legacy Title", user_agent: "curl/8.5.0" });
  });
});
