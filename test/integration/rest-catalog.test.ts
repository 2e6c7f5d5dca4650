import "reflect-metadata";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/billing/money.js";
import { readCatalogFile } from "../../src/catalog/seed.js";
import type { CatalogFile } from "../../src/catalog/catalog-file.schema.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The OpenRouter-compatible catalog over a real port: `GET /api/v1/models` with OpenRouter's query filters,
 * `GET /api/v1/models/{author}/{slug}/endpoints` and `GET /api/v1/providers`. Every body is checked against
 * OpenRouter's OpenAPI description (skipped, with the reason printed, when ../shared/contracts is absent), and
 * the values against the shipped catalog file the test database was seeded with.
 */

interface ListedModel {
  id: string;
  canonical_slug: string;
  name: string;
  created: number;
  context_length: number;
  architecture: { modality: string; input_modalities: string[]; output_modalities: string[]; tokenizer: string };
  pricing: { prompt: string; completion: string } & Record<string, string>;
  top_provider: { context_length: number; max_completion_tokens: number | null; is_moderated: boolean };
  supported_parameters: string[];
  default_parameters: Record<string, number | null> | null;
  reasoning?: { mandatory: boolean; supported_efforts: string[] | null; default_effort?: string };
  links: { details: string };
}

interface ModelsBody {
  data: ListedModel[];
  total_count: number;
  links: { next: string | null };
}

interface ErrorBody {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
}

let gateway: TestGateway;
let catalog: CatalogFile;

beforeAll(async () => {
  gateway = await startTestGateway();
  catalog = readCatalogFile();
});

afterAll(async () => {
  await gateway?.stop();
});

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${gateway.url}${path}`);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as T;
  expectOpenRouterResponse(path, "GET", response.status, body);
  return { status: response.status, body };
}

async function listModels(query = ""): Promise<ModelsBody> {
  const { status, body } = await getJson<ModelsBody>(`/api/v1/models${query}`);
  expect(status).toBe(200);
  return body;
}

/** The ids the shipped catalog should list: every model with standard endpoints, and `:free` for those with free ones. */
/** The ids `GET /models` lists by default: text-output models (embedding models are under `/embeddings/models`). */
function expectedListedIds(file: CatalogFile): string[] {
  return file.models.filter((model) => model.architecture.outputModalities.includes("text")).flatMap((model) => [
    ...(model.endpoints.some((endpoint) => endpoint.variant === "standard") ? [model.id] : []),
    ...(model.endpoints.some((endpoint) => endpoint.variant === "free") ? [`${model.id}:free`] : []),
  ]);
}

function perToken(price: string): bigint {
  return parseUsd(price);
}

describe("GET /api/v1/models", () => {
  it("lists every catalog model and :free variant in OpenRouter's Model shape, with no key", async () => {
    const body = await listModels();
    const ids = body.data.map((model) => model.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expectedListedIds(catalog).sort());
    expect(body.total_count).toBe(body.data.length);
    expect(body.links.next).toBeNull();
    expect(ids.filter((id) => id.endsWith(":free")).length).toBeGreaterThanOrEqual(3);
  });

  it("fills every field the catalog knows, prices as exact per-token strings", async () => {
    const { data } = await listModels();
    const gpt4o = data.find((model) => model.id === "openai/gpt-4o");
    const source = catalog.models.find((model) => model.id === "openai/gpt-4o");
    if (gpt4o === undefined || source === undefined) throw new Error("openai/gpt-4o is missing");
    const endpoint = source.endpoints[0];
    if (endpoint === undefined) throw new Error("openai/gpt-4o has no endpoint");
    expect(gpt4o).toMatchObject({
      canonical_slug: source.canonicalSlug,
      hugging_face_id: source.huggingFaceId,
      name: source.name,
      created: source.created,
      description: source.description,
      context_length: source.contextLength,
      architecture: {
        modality: `${source.architecture.inputModalities.join("+")}->${source.architecture.outputModalities.join("+")}`,
        input_modalities: source.architecture.inputModalities,
        output_modalities: source.architecture.outputModalities,
        tokenizer: source.architecture.tokenizer,
        instruct_type: source.architecture.instructType,
      },
      top_provider: { context_length: endpoint.contextLength, max_completion_tokens: endpoint.maxCompletionTokens, is_moderated: false },
      per_request_limits: null,
      supported_parameters: source.supportedParameters,
      default_parameters: null,
      supported_voices: null,
      knowledge_cutoff: source.knowledgeCutoff,
      expiration_date: null,
      links: { details: "/api/v1/models/openai/gpt-4o/endpoints" },
    });
    expect(gpt4o.architecture.modality).toBe("text+image+file->text");
    // Exact strings, and the cache-read price listed because it differs from the prompt rate; no cache-write price exists.
    expect(gpt4o.pricing).toEqual({
      prompt: "0.0000025",
      completion: "0.00001",
      request: "0",
      image: "0",
      internal_reasoning: "0",
      input_cache_read: "0.00000125",
    });
    expect(gpt4o).not.toHaveProperty("reasoning");
  });

  it("lists the reasoning controls of reasoning models and snake_case default parameters", async () => {
    const { data } = await listModels();
    const o3 = data.find((model) => model.id === "openai/o3");
    expect(o3?.reasoning).toEqual({ mandatory: true, supported_efforts: ["high", "medium", "low"], default_effort: "medium", supports_max_tokens: false });
    const sonnet = data.find((model) => model.id === "anthropic/claude-sonnet-4");
    expect(sonnet?.reasoning).toEqual({ mandatory: false, supported_efforts: null, supports_max_tokens: true });
    for (const model of data) {
      const source = catalog.models.find((candidate) => `${candidate.id}` === model.id.replace(/:free$/, ""));
      const defaults = source?.defaultParameters;
      if (defaults === null || defaults === undefined) expect(model.default_parameters).toBeNull();
      else
        expect(model.default_parameters).toEqual({
          temperature: defaults.temperature,
          top_p: defaults.topP,
          top_k: defaults.topK,
          frequency_penalty: defaults.frequencyPenalty,
          presence_penalty: defaults.presencePenalty,
          repetition_penalty: defaults.repetitionPenalty,
        });
    }
  });

  it("prices a model served by several providers at its cheapest endpoint, and a :free listing at zero", async () => {
    const { data } = await listModels();
    const source = catalog.models.find((model) => model.id === "meta-llama/llama-3.3-70b-instruct");
    if (source === undefined) throw new Error("llama 3.3 70b is missing from the catalog");
    const standard = source.endpoints.filter((endpoint) => endpoint.variant === "standard");
    const cheapest = [...standard].sort(
      (a, b) => Number(perToken(a.pricing.prompt) + perToken(a.pricing.completion) - (perToken(b.pricing.prompt) + perToken(b.pricing.completion))),
    )[0];
    const listed = data.find((model) => model.id === source.id);
    expect(listed?.pricing.prompt).toBe(cheapest?.pricing.prompt);
    expect(listed?.pricing.completion).toBe(cheapest?.pricing.completion);
    expect(listed?.context_length).toBe(Math.max(...standard.map((endpoint) => endpoint.contextLength)));
    const free = data.find((model) => model.id === `${source.id}:free`);
    expect(free?.pricing).toEqual({ prompt: "0", completion: "0", request: "0", image: "0", internal_reasoning: "0" });
    expect(free?.name).toBe(`${source.name} (free)`);
    expect(free?.canonical_slug).toBe(source.canonicalSlug);
    expect(free?.links.details).toBe(`/api/v1/models/${source.id}:free/endpoints`);
  });

  it("filters by supported parameters, modalities, text, context, prices, authors and providers", async () => {
    const all = (await listModels()).data;

    const tools = await listModels("?supported_parameters=tools,response_format");
    expect(tools.data.length).toBeGreaterThan(0);
    expect(tools.data.length).toBeLessThan(all.length);
    for (const model of tools.data) expect(model.supported_parameters).toEqual(expect.arrayContaining(["tools", "response_format"]));
    expect(tools.total_count).toBe(tools.data.length);

    const vision = await listModels("?input_modalities=image");
    expect(vision.data.length).toBeGreaterThan(0);
    for (const model of vision.data) expect(model.architecture.input_modalities).toContain("image");
    expect(vision.data.length).toBe(all.filter((model) => model.architecture.input_modalities.includes("image")).length);

    const everything = await listModels("?output_modalities=all");
    expect(everything.total_count).toBeGreaterThanOrEqual(all.length);
    for (const model of all) expect(model.architecture.output_modalities).toContain("text");

    const llama = await listModels("?q=LLAMA");
    expect(llama.data.length).toBeGreaterThan(0);
    for (const model of llama.data) expect(`${model.id} ${model.name} ${JSON.stringify(model)}`.toLowerCase()).toContain("llama");

    const long = await listModels("?context=1000000");
    expect(long.data.length).toBeGreaterThan(0);
    for (const model of long.data) expect(model.context_length).toBeGreaterThanOrEqual(1_000_000);

    // Prices in the query are dollars per million tokens; 0.2 $/M = 0.0000002 $/token.
    const cheap = await listModels("?max_price=0.2");
    expect(cheap.data.length).toBeGreaterThan(0);
    for (const model of cheap.data) expect(perToken(model.pricing.prompt)).toBeLessThanOrEqual(perToken("0.0000002"));
    expect(cheap.data.length).toBe(all.filter((model) => perToken(model.pricing.prompt) <= perToken("0.0000002")).length);

    const pricey = await listModels("?min_price=2.5");
    for (const model of pricey.data) expect(perToken(model.pricing.prompt)).toBeGreaterThanOrEqual(perToken("0.0000025"));
    expect(pricey.data.length).toBe(all.filter((model) => perToken(model.pricing.prompt) >= perToken("0.0000025")).length);

    const cheapOutput = await listModels("?max_output_price=0.5");
    for (const model of cheapOutput.data) expect(perToken(model.pricing.completion)).toBeLessThanOrEqual(perToken("0.0000005"));

    const free = await listModels("?max_price=0");
    expect(free.data.map((model) => model.id).sort()).toEqual(all.filter((model) => model.pricing.prompt === "0").map((model) => model.id).sort());

    const authors = await listModels("?model_authors=openai,anthropic");
    expect(new Set(authors.data.map((model) => model.id.split("/")[0]))).toEqual(new Set(["openai", "anthropic"]));

    // Providers by slug or by display name, as OpenRouter documents `providers=OpenAI,Anthropic`.
    const bySlug = await listModels("?providers=groq");
    const byName = await listModels("?providers=Groq");
    expect(bySlug.data.length).toBeGreaterThan(0);
    expect(byName.data.map((model) => model.id)).toEqual(bySlug.data.map((model) => model.id));
    const servedByGroq = catalog.models.filter((model) => model.endpoints.some((endpoint) => endpoint.provider === "groq" && endpoint.variant === "standard"));
    expect(bySlug.data.map((model) => model.id).sort()).toEqual(servedByGroq.map((model) => model.id).sort());
    expect((await listModels("?providers=no-such-provider")).data).toEqual([]);
  });

  it("sorts as OpenRouter's sort parameter asks", async () => {
    const totalPrice = (model: ListedModel) => perToken(model.pricing.prompt) + perToken(model.pricing.completion);
    const low = (await listModels("?sort=pricing-low-to-high")).data;
    for (let i = 1; i < low.length; i++) expect(totalPrice(low[i - 1] as ListedModel) <= totalPrice(low[i] as ListedModel)).toBe(true);
    const high = (await listModels("?sort=pricing-high-to-low")).data;
    for (let i = 1; i < high.length; i++) expect(totalPrice(high[i - 1] as ListedModel) >= totalPrice(high[i] as ListedModel)).toBe(true);
    const context = (await listModels("?sort=context-high-to-low")).data;
    for (let i = 1; i < context.length; i++) expect((context[i - 1] as ListedModel).context_length).toBeGreaterThanOrEqual((context[i] as ListedModel).context_length);
    const newest = (await listModels("?sort=newest")).data;
    for (let i = 1; i < newest.length; i++) expect((newest[i - 1] as ListedModel).created).toBeGreaterThanOrEqual((newest[i] as ListedModel).created);
  });

  it("pages with offset and limit, following links.next to the end without gaps or repeats", async () => {
    const all = await listModels("?sort=pricing-low-to-high");
    const seen: string[] = [];
    let next: string | null = "/api/v1/models?sort=pricing-low-to-high&limit=7";
    let pages = 0;
    while (next !== null) {
      const page = await listModels(next.replace(/^\/api\/v1\/models/, ""));
      expect(page.total_count).toBe(all.total_count);
      expect(page.data.length).toBeLessThanOrEqual(7);
      seen.push(...page.data.map((model) => model.id));
      next = page.links.next;
      pages += 1;
      if (next !== null) expect(next).toMatch(/^\/api\/v1\/models\?.*sort=pricing-low-to-high/);
    }
    expect(pages).toBe(Math.ceil(all.total_count / 7));
    expect(seen).toEqual(all.data.map((model) => model.id));

    const offsetOnly = await listModels("?offset=3");
    expect(offsetOnly.data.length).toBe(all.total_count - 3);
    expect(offsetOnly.links.next).toBeNull();
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["offset=-1", "offset"],
    ["limit=1&limit=2", "limit"],
    ["sort=most-bogus", "sort"],
    ["context=lots", "context"],
    ["max_price=1e-6", "max_price"],
    ["min_price=-1", "min_price"],
    ["max_output_price=cheap", "max_output_price"],
    ["supported_parameters=tools,telepathy", "supported_parameters"],
    ["input_modalities=smell", "input_modalities"],
    ["output_modalities=hologram", "output_modalities"],
  ])("refuses %s with a 400 envelope naming %s", async (query, parameter) => {
    const { status, body } = await getJson<ErrorBody>(`/api/v1/models?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe(400);
    expect(body.error.message).toContain(`"${parameter}"`);
    expect(body.error.metadata).toMatchObject({ field: parameter, error_type: "invalid_request" });
  });

  it("is listed by the official openai SDK's models.list()", async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: "sk-unused", maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(expectedListedIds(catalog).sort());
  });
});

describe("GET /api/v1/models/{author}/{slug}/endpoints", () => {
  it("lists each provider serving a model, cheapest first, with its own prices and limits", async () => {
    const source = catalog.models.find((model) => model.id === "meta-llama/llama-3.3-70b-instruct");
    if (source === undefined) throw new Error("llama 3.3 70b is missing from the catalog");
    const { status, body } = await getJson<{ data: { id: string; name: string; endpoints: Array<Record<string, unknown>> } }>(
      `/api/v1/models/${source.id}/endpoints`,
    );
    expect(status).toBe(200);
    expect(body.data.id).toBe(source.id);
    expect(body.data.name).toBe(source.name);
    const standard = source.endpoints.filter((endpoint) => endpoint.variant === "standard");
    expect(body.data.endpoints.map((endpoint) => endpoint.tag).sort()).toEqual(standard.map((endpoint) => endpoint.provider).sort());
    const prices = body.data.endpoints.map((endpoint) => {
      const pricing = endpoint.pricing as Record<string, string>;
      return perToken(pricing.prompt ?? "0") + perToken(pricing.completion ?? "0");
    });
    expect([...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(prices);
    for (const endpoint of body.data.endpoints) {
      const wanted = standard.find((candidate) => candidate.provider === endpoint.tag);
      if (wanted === undefined) throw new Error(`unexpected endpoint ${String(endpoint.tag)}`);
      expect(endpoint).toMatchObject({
        model_id: source.canonicalSlug,
        model_name: source.name,
        context_length: wanted.contextLength,
        max_completion_tokens: wanted.maxCompletionTokens,
        max_prompt_tokens: wanted.maxPromptTokens,
        quantization: wanted.quantization,
        supported_parameters: wanted.supportedParameters,
        status: wanted.status,
        pricing: expect.objectContaining({ prompt: wanted.pricing.prompt, completion: wanted.pricing.completion }),
        uptime_last_30m: null,
        latency_last_30m: null,
        throughput_last_30m: null,
      });
      const provider = catalog.providers.find((candidate) => candidate.slug === wanted.provider);
      expect(endpoint.provider_name).toBe(provider?.name);
      expect(endpoint.name).toBe(`${provider?.name} | ${source.id}`);
    }
  });

  it("lists only the free endpoints for a :free id", async () => {
    const { status, body } = await getJson<{ data: { id: string; name: string; endpoints: Array<{ pricing: Record<string, string> }> } }>(
      "/api/v1/models/meta-llama/llama-3.3-70b-instruct:free/endpoints",
    );
    expect(status).toBe(200);
    expect(body.data.id).toBe("meta-llama/llama-3.3-70b-instruct:free");
    expect(body.data.name).toMatch(/\(free\)$/);
    expect(body.data.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of body.data.endpoints) expect(endpoint.pricing.prompt).toBe("0");
  });

  it("answers every listed model's links.details", async () => {
    const { data } = await listModels();
    for (const model of data) {
      const response = await fetch(`${gateway.url}${model.links.details}`);
      expect(response.status, model.links.details).toBe(200);
      const body = (await response.json()) as { data: { id: string } };
      expect(body.data.id).toBe(model.id);
    }
  });

  it.each([
    "/api/v1/models/nobody/nothing/endpoints",
    "/api/v1/models/openai/gpt-4o:free/endpoints",
    "/api/v1/models/openai/gpt-4o:nitro/endpoints",
  ])("answers an unknown model or variant (%s) with a 404 envelope", async (path) => {
    const { status, body } = await getJson<ErrorBody>(path);
    expect(status).toBe(404);
    expect(body.error.code).toBe(404);
    expect(body.error.message).toContain("not found");
    expect(body.error.metadata).toMatchObject({ error_type: "not_found" });
  });
});

describe("GET /api/v1/providers", () => {
  it("lists every catalog provider in OpenRouter's shape", async () => {
    const { status, body } = await getJson<{ data: Array<Record<string, unknown>> }>("/api/v1/providers");
    expect(status).toBe(200);
    expect(body.data.map((provider) => provider.slug).sort()).toEqual(catalog.providers.map((provider) => provider.slug).sort());
    const openai = catalog.providers.find((provider) => provider.slug === "openai");
    expect(body.data.find((provider) => provider.slug === "openai")).toEqual({
      name: openai?.name,
      slug: "openai",
      privacy_policy_url: openai?.privacyPolicyUrl,
      terms_of_service_url: openai?.termsOfServiceUrl,
      status_page_url: openai?.statusPageUrl,
      headquarters: openai?.headquarters,
      datacenters: openai?.datacenters,
    });
  });
});
