import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CatalogModel } from "../../../src/catalog/catalog-file.schema.js";
import { OPENROUTER_PROVIDER, OpenRouterListingError, convertOpenRouterListing } from "../../../src/catalog/openrouter-import.js";
import { projectPath } from "../../../src/config/project-root.js";
import { contractsAvailable, validateOpenRouterResponse } from "../../support/contract.js";

/**
 * The conversion from an OpenRouter `/models` listing to the catalog file format, without a database: the
 * realistic fixture (checked against OpenRouter's contract first, so the importer is tested on the real
 * shape), then one table row per rule the importer applies to odd entries.
 */

const FIXTURE_PATH = projectPath("test", "fixtures", "openrouter-models.json");
const fixture = JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as { data: Array<Record<string, unknown>> };

function convert(data: unknown[]) {
  return convertOpenRouterListing({ data }, { provider: OPENROUTER_PROVIDER });
}

function modelOf(models: CatalogModel[], id: string): CatalogModel {
  const model = models.find((candidate) => candidate.id === id);
  if (model === undefined) throw new Error(`${id} was not imported`);
  return model;
}

/** A minimal valid listing entry in OpenRouter's shape, for the table below to vary. */
function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme/widget-1",
    canonical_slug: "acme/widget-1-20250101",
    hugging_face_id: "",
    name: "Acme: Widget 1",
    created: 1735689600,
    description: "A test model.",
    context_length: 32000,
    architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"], tokenizer: "Other", instruct_type: null },
    pricing: { prompt: "0.000001", completion: "0.000002", request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    top_provider: { context_length: 32000, max_completion_tokens: 8000, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature"],
    default_parameters: null,
    supported_voices: null,
    links: { details: "/api/v1/models/acme/widget-1/endpoints" },
    ...overrides,
  };
}

describe("the fixture", () => {
  it.skipIf(!contractsAvailable())("is a listing in OpenRouter's exact shape", () => {
    expect(validateOpenRouterResponse("/api/v1/models", "GET", 200, fixture)).toEqual([]);
  });
});

describe("convertOpenRouterListing on the fixture", () => {
  const { file, warnings } = convert(fixture.data);

  it("supplies the openrouter provider and serves every endpoint through it", () => {
    expect(file.providers).toEqual([expect.objectContaining({ slug: "openrouter", name: "OpenRouter" })]);
    for (const model of file.models) for (const endpoint of model.endpoints) expect(endpoint.provider).toBe("openrouter");
  });

  it("imports each base model once, folding :free entries into their base model", () => {
    expect(file.models.map((model) => model.id).sort()).toEqual([
      "anthropic/claude-sonnet-4",
      "cohere/command-r-08-2024",
      "google/gemini-2.5-flash",
      "google/gemini-2.5-flash-image",
      "meta-llama/llama-3.3-70b-instruct",
      "mistralai/devstral-small",
      "nousresearch/hermes-3-llama-3.1-70b",
      "openai/gpt-4o",
      "tngtech/deepseek-r1t2-chimera",
    ]);
    const llama = modelOf(file.models, "meta-llama/llama-3.3-70b-instruct");
    expect(llama.endpoints.map((endpoint) => [endpoint.variant, endpoint.providerModelId, endpoint.contextLength])).toEqual([
      ["standard", "meta-llama/llama-3.3-70b-instruct", 131072],
      ["free", "meta-llama/llama-3.3-70b-instruct:free", 65536],
    ]);
    expect(llama.name).toBe("Meta: Llama 3.3 70B Instruct");
    expect(llama.contextLength).toBe(131072);
  });

  it("creates the base model of a free-only entry, without the (free) suffix", () => {
    const chimera = modelOf(file.models, "tngtech/deepseek-r1t2-chimera");
    expect(chimera.name).toBe("TNG: DeepSeek R1T2 Chimera");
    expect(chimera.endpoints).toHaveLength(1);
    expect(chimera.endpoints[0]).toMatchObject({ variant: "free", providerModelId: "tngtech/deepseek-r1t2-chimera:free", maxCompletionTokens: null });
    expect(Object.values(chimera.endpoints[0]?.pricing ?? {})).toEqual(["0", "0", "0", "0", "0", "0", "0"]);
  });

  it("keeps prices as the exact strings listed, absent ones as \"0\"", () => {
    expect(modelOf(file.models, "anthropic/claude-sonnet-4").endpoints[0]?.pricing).toEqual({
      prompt: "0.000003",
      completion: "0.000015",
      request: "0",
      image: "0.0048",
      inputCacheRead: "0.0000003",
      inputCacheWrite: "0.00000375",
      internalReasoning: "0",
    });
    expect(modelOf(file.models, "google/gemini-2.5-flash").endpoints[0]?.pricing.inputCacheWrite).toBe("0.0000003833");
  });

  it("maps the model's metadata field by field", () => {
    const claude = modelOf(file.models, "anthropic/claude-sonnet-4");
    expect(claude).toMatchObject({
      canonicalSlug: "anthropic/claude-4-sonnet-20250522",
      huggingFaceId: null,
      created: 1747930371,
      contextLength: 1000000,
      architecture: { inputModalities: ["image", "text", "file"], outputModalities: ["text"], tokenizer: "Claude", instructType: null },
      reasoning: { mandatory: false, supportedEfforts: null, defaultEffort: null, supportsMaxTokens: true },
      knowledgeCutoff: "2025-03-01",
      defaultParameters: null,
    });
    expect(claude.endpoints[0]).toMatchObject({ contextLength: 1000000, maxCompletionTokens: 64000, maxPromptTokens: null, quantization: null, status: 0 });
    const hermes = modelOf(file.models, "nousresearch/hermes-3-llama-3.1-70b");
    expect(hermes.huggingFaceId).toBe("NousResearch/Hermes-3-Llama-3.1-70B");
    expect(hermes.architecture.instructType).toBe("chatml");
    expect(hermes.defaultParameters).toEqual({ temperature: 0.7, topP: 0.9, topK: 40, frequencyPenalty: null, presencePenalty: null, repetitionPenalty: 1.05 });
    // Present but all null means "no defaults".
    expect(modelOf(file.models, "openai/gpt-4o").defaultParameters).toBeNull();
    expect(modelOf(file.models, "mistralai/devstral-small").defaultParameters).toEqual({
      temperature: 0.3,
      topP: null,
      topK: null,
      frequencyPenalty: null,
      presencePenalty: null,
      repetitionPenalty: null,
    });
  });

  it("skips what the catalog cannot represent, with a warning naming the entry", () => {
    expect(warnings).toEqual([expect.stringMatching(/^openrouter\/auto: skipped, router price "-1"/)]);
  });

  it("imports a listed variant (:extended) as an endpoint of the base model under that variant", () => {
    const gpt4o = modelOf(file.models, "openai/gpt-4o");
    const extended = gpt4o.endpoints.filter((endpoint) => endpoint.variant === "extended");
    expect(extended).toHaveLength(1);
    expect(extended[0]?.providerModelId).toBe("openai/gpt-4o:extended");
    expect(gpt4o.endpoints.some((endpoint) => endpoint.variant === "standard")).toBe(true);
    expect(gpt4o.name).not.toMatch(/\(extended\)/);
  });
});

describe("convertOpenRouterListing rules", () => {
  it.each([
    ["a price in exponent notation", entry({ pricing: { prompt: "1e-7", completion: "0" } }), /price prompt is not an exact/],
    ["a price finer than 12 places", entry({ pricing: { prompt: "0.0000000000001", completion: "0" } }), /price prompt is not an exact/],
    ["a negative price", entry({ pricing: { prompt: "-0.5", completion: "0" } }), /price prompt is not an exact/],
    ["a :free entry that costs", entry({ id: "acme/widget-1:free" }), /":free" entry must cost nothing/],
    ["an id that is not author/slug", entry({ id: "~acme/widget-latest" }), /id/],
    ["no context length", entry({ context_length: null, top_provider: { is_moderated: false } }), /no context length/],
    ["not a model object", { id: "acme/broken", name: 3 }, /not a model object/],
  ])("skips %s", (_what, listed, warning) => {
    const { file, warnings } = convert([listed, entry({ id: "acme/keeper" })]);
    expect(file.models.map((model) => model.id)).toEqual(["acme/keeper"]);
    expect(warnings).toEqual([expect.stringMatching(warning)]);
  });

  it("normalises trailing zeros and drops unknown parameters, tokenizers and modalities", () => {
    const { file, warnings } = convert([
      entry({
        pricing: { prompt: "0.0000010000", completion: "2.50", request: "0.0" },
        supported_parameters: ["temperature", "telepathy", "tools"],
        architecture: { modality: "text+smell->text", input_modalities: ["text", "smell"], output_modalities: ["text"], tokenizer: "Borg", instruct_type: "klingon" },
      }),
    ]);
    const model = file.models[0];
    expect(model?.endpoints[0]?.pricing).toMatchObject({ prompt: "0.000001", completion: "2.5", request: "0" });
    expect(model?.supportedParameters).toEqual(["temperature", "tools"]);
    expect(model?.architecture).toEqual({ inputModalities: ["text"], outputModalities: ["text"], tokenizer: "Other", instructType: null });
    expect(warnings).toEqual(["acme/widget-1: dropped unknown supported parameters telepathy"]);
  });

  it("keeps max completion tokens only when they fit the context", () => {
    const { file } = convert([entry({ top_provider: { context_length: 8000, max_completion_tokens: 16000, is_moderated: false } })]);
    expect(file.models[0]?.endpoints[0]).toMatchObject({ contextLength: 8000, maxCompletionTokens: null });
    expect(file.models[0]?.contextLength).toBe(32000);
  });

  it("joins a :free entry listed before its base model", () => {
    const { file } = convert([entry({ id: "acme/widget-1:free", pricing: { prompt: "0", completion: "0" }, name: "Acme: Widget 1 (free)" }), entry()]);
    expect(file.models).toHaveLength(1);
    expect(file.models[0]?.name).toBe("Acme: Widget 1");
    expect(file.models[0]?.endpoints.map((endpoint) => endpoint.variant)).toEqual(["standard", "free"]);
  });

  it.each([
    ["an array", []],
    ["an object without data", { models: [] }],
    ["null", null],
  ])("refuses %s as a listing", (_what, listing) => {
    expect(() => convertOpenRouterListing(listing, { provider: OPENROUTER_PROVIDER })).toThrow(OpenRouterListingError);
  });

  it("refuses a listing with nothing importable", () => {
    expect(() => convert([entry({ pricing: { prompt: "-1", completion: "-1" } })])).toThrow(/Nothing to import/);
  });
});
