import fs from "node:fs";
import { describe, it, expect } from "vitest";
import {
  CATALOG_PRICE_KEYS,
  parseCatalogFile,
  type CatalogEndpoint,
  type CatalogFile,
  type CatalogModel,
} from "../../src/catalog/catalog-file.schema.js";

const rawText = fs.readFileSync(new URL("../../src/catalog/data/catalog.json", import.meta.url), "utf8");
const raw: unknown = JSON.parse(rawText);
const catalog: CatalogFile = parseCatalogFile(raw);

/** A deep copy of the raw JSON that a test may mutate. */
function rawCopy(): { models: { endpoints: { pricing: Record<string, unknown> }[] }[] } {
  return structuredClone(raw) as { models: { endpoints: { pricing: Record<string, unknown> }[] }[] };
}

function modelById(id: string): CatalogModel {
  const model = catalog.models.find((m) => m.id === id);
  if (model === undefined) throw new Error(`model ${id} missing from catalog`);
  return model;
}

function standardEndpoints(model: CatalogModel): CatalogEndpoint[] {
  return model.endpoints.filter((e) => e.variant === "standard");
}

/** Exact ratio check on decimal strings, using integers of 1e-12 USD to avoid float error. */
function picoUsd(price: string): bigint {
  const [whole = "0", frac = ""] = price.split(".");
  return BigInt(whole) * 10n ** 12n + BigInt(frac.padEnd(12, "0"));
}

function expectParseError(json: unknown, pathFragment: string): void {
  let error: unknown;
  try {
    parseCatalogFile(json);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toContain(pathFragment);
}

describe("catalog data file", () => {
  it("is pretty-printed with a 2-space indent", () => {
    expect(rawText).toBe(`${JSON.stringify(raw, null, 2)}\n`);
  });

  it("parses with the schema", () => {
    expect(catalog.version).toBe(1);
  });

  it("has at least 40 models with unique ids and at least one endpoint each", () => {
    expect(catalog.models.length).toBeGreaterThanOrEqual(40);
    const ids = catalog.models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of catalog.models) expect(m.endpoints.length, m.id).toBeGreaterThanOrEqual(1);
  });

  it("only references declared providers, and uses at least 10 of them including the required ones", () => {
    const declared = new Set(catalog.providers.map((p) => p.slug));
    const used = new Set<string>();
    for (const m of catalog.models) {
      for (const e of m.endpoints) {
        expect(declared.has(e.provider), `${m.id} -> ${e.provider}`).toBe(true);
        used.add(e.provider);
      }
    }
    expect(used.size).toBeGreaterThanOrEqual(10);
    for (const slug of [
      "openai",
      "anthropic",
      "google-ai-studio",
      "mistral",
      "deepseek",
      "x-ai",
      "groq",
      "together",
      "fireworks",
      "deepinfra",
    ]) {
      expect(used.has(slug), slug).toBe(true);
    }
  });

  it("includes the expected well-known models", () => {
    const ids = new Set(catalog.models.map((m) => m.id));
    for (const id of [
      "openai/gpt-4o",
      "openai/gpt-4o-mini",
      "openai/gpt-4.1",
      "openai/gpt-4.1-mini",
      "openai/gpt-4.1-nano",
      "openai/o3-mini",
      "openai/o4-mini",
      "openai/gpt-5",
      "openai/gpt-5-mini",
      "anthropic/claude-3.5-haiku",
      "anthropic/claude-3.7-sonnet",
      "anthropic/claude-sonnet-4",
      "anthropic/claude-opus-4",
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-haiku-4.5",
      "google/gemini-2.0-flash-001",
      "google/gemini-2.5-flash",
      "google/gemini-2.5-flash-lite",
      "google/gemini-2.5-pro",
      "mistralai/mistral-large",
      "mistralai/ministral-8b",
      "deepseek/deepseek-chat",
      "deepseek/deepseek-r1",
      "x-ai/grok-3",
      "x-ai/grok-3-mini",
      "x-ai/grok-4",
      "meta-llama/llama-3.1-8b-instruct",
      "meta-llama/llama-3.3-70b-instruct",
      "meta-llama/llama-4-scout",
      "meta-llama/llama-4-maverick",
      "qwen/qwen-2.5-72b-instruct",
      "qwen/qwen3-32b",
      "qwen/qwen3-235b-a22b",
      "google/gemma-2-9b-it",
      "google/gemma-3-27b-it",
      "mistralai/mixtral-8x7b-instruct",
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
    expect([...ids].some((id) => id.startsWith("mistralai/mistral-small"))).toBe(true);
    expect([...ids].some((id) => id.startsWith("mistralai/codestral"))).toBe(true);
  });

  it("includes open-weight Llama, Qwen, Gemma, DeepSeek and Mistral models with Hugging Face ids", () => {
    const openWeight = catalog.models.filter((m) => m.huggingFaceId !== null);
    for (const author of ["meta-llama/", "qwen/", "google/gemma", "deepseek/", "mistralai/"]) {
      expect(
        openWeight.some((m) => m.id.startsWith(author)),
        author,
      ).toBe(true);
    }
  });

  it("has at least 3 models with a free endpoint, each priced entirely at \"0\"", () => {
    const withFree = catalog.models.filter((m) => m.endpoints.some((e) => e.variant === "free"));
    expect(withFree.length).toBeGreaterThanOrEqual(3);
    for (const m of withFree) {
      for (const e of m.endpoints.filter((x) => x.variant === "free")) {
        for (const key of CATALOG_PRICE_KEYS) expect(e.pricing[key], `${m.id}:free ${key}`).toBe("0");
      }
    }
  });

  it("has standard endpoints that are not free", () => {
    for (const m of catalog.models) {
      for (const e of standardEndpoints(m)) {
        expect(picoUsd(e.pricing.prompt) > 0n || picoUsd(e.pricing.completion) > 0n, `${m.id}@${e.provider}`).toBe(true);
      }
    }
  });

  it("has at least 5 models served by two or more providers at different prices", () => {
    const multi = catalog.models.filter((m) => {
      const eps = standardEndpoints(m);
      const providers = new Set(eps.map((e) => e.provider));
      const prices = new Set(eps.map((e) => `${e.pricing.prompt}/${e.pricing.completion}`));
      return providers.size >= 2 && prices.size >= 2;
    });
    expect(multi.length).toBeGreaterThanOrEqual(5);
  });

  it("lists a model's supported parameters as the union of its endpoints'", () => {
    for (const m of catalog.models) {
      const union = new Set(m.endpoints.flatMap((e) => e.supportedParameters));
      expect(new Set(m.supportedParameters), m.id).toEqual(union);
    }
  });

  it("describes reasoning exactly for models that accept the reasoning parameter", () => {
    for (const m of catalog.models) {
      expect(m.reasoning !== null, m.id).toBe(m.supportedParameters.includes("reasoning"));
    }
  });

  it("keeps endpoint limits within the model's context length", () => {
    for (const m of catalog.models) {
      expect(m.contextLength, m.id).toBe(Math.max(...m.endpoints.map((e) => e.contextLength)));
      for (const e of m.endpoints) {
        if (e.maxCompletionTokens !== null) expect(e.maxCompletionTokens).toBeLessThanOrEqual(e.contextLength);
      }
    }
  });

  it("has release dates between 2023 and now", () => {
    const min = Date.UTC(2023, 0, 1) / 1000;
    const now = Date.now() / 1000;
    for (const m of catalog.models) {
      expect(m.created, m.id).toBeGreaterThanOrEqual(min);
      expect(m.created, m.id).toBeLessThanOrEqual(now);
    }
  });

  it("uses the provider's own model ids", () => {
    const pmid = (model: string, provider: string): string | undefined =>
      modelById(model).endpoints.find((e) => e.provider === provider && e.variant === "standard")?.providerModelId;
    expect(pmid("meta-llama/llama-3.3-70b-instruct", "groq")).toBe("llama-3.3-70b-versatile");
    expect(pmid("meta-llama/llama-3.3-70b-instruct", "together")).toBe("meta-llama/Llama-3.3-70B-Instruct-Turbo");
    expect(pmid("meta-llama/llama-3.3-70b-instruct", "fireworks")).toBe(
      "accounts/fireworks/models/llama-v3p3-70b-instruct",
    );
    expect(pmid("anthropic/claude-sonnet-4.5", "anthropic")).toBe("claude-sonnet-4-5");
    expect(pmid("google/gemini-2.5-flash", "google-ai-studio")).toBe("gemini-2.5-flash");
    expect(pmid("openai/gpt-4o", "openai")).toBe("gpt-4o");
  });

  it("prices well-known models at their public list prices", () => {
    const std = (id: string) => {
      const e = standardEndpoints(modelById(id))[0];
      if (e === undefined) throw new Error(`no standard endpoint for ${id}`);
      return e.pricing;
    };
    expect(std("openai/gpt-4o")).toMatchObject({ prompt: "0.0000025", completion: "0.00001" });
    expect(std("anthropic/claude-sonnet-4")).toMatchObject({ prompt: "0.000003", completion: "0.000015" });
    expect(std("google/gemini-2.5-flash")).toMatchObject({ prompt: "0.0000003", completion: "0.0000025" });
  });

  it("applies the providers' prompt-cache multipliers", () => {
    for (const m of catalog.models) {
      for (const e of standardEndpoints(m)) {
        const prompt = picoUsd(e.pricing.prompt);
        const read = picoUsd(e.pricing.inputCacheRead);
        const write = picoUsd(e.pricing.inputCacheWrite);
        const where = `${m.id}@${e.provider}`;
        if (e.provider === "anthropic") {
          expect(write * 100n, where).toBe(prompt * 125n);
          expect(read * 10n, where).toBe(prompt);
        } else {
          expect(write, where).toBe(0n);
        }
        // Google: cached input at a quarter of the prompt price on Gemini 2.x, a tenth on Gemini 3.
        if (e.provider === "google-ai-studio" && read !== 0n) expect(read * (m.id.startsWith("google/gemini-3") ? 10n : 4n), where).toBe(prompt);
        if (m.id.startsWith("openai/gpt-4o")) expect(read * 2n, where).toBe(prompt);
        if (m.id.startsWith("openai/gpt-4.1")) expect(read * 4n, where).toBe(prompt);
        expect(read <= prompt, where).toBe(true);
      }
    }
  });
});

describe("parseCatalogFile", () => {
  it("rejects a price given as a number, naming its path", () => {
    const bad = rawCopy();
    const pricing = bad.models[0]?.endpoints[0]?.pricing;
    if (pricing === undefined) throw new Error("fixture has no endpoint");
    pricing.prompt = 2.5e-6;
    expectParseError(bad, "models[0].endpoints[0].pricing.prompt");
  });

  it("rejects a malformed price string, naming its path", () => {
    for (const malformed of ["2.5e-6", "$0.0000025", "-0.1", "0.0000000000001", "1.", ""]) {
      const bad = rawCopy();
      const pricing = bad.models[1]?.endpoints[0]?.pricing;
      if (pricing === undefined) throw new Error("fixture has no endpoint");
      pricing.completion = malformed;
      expectParseError(bad, "models[1].endpoints[0].pricing.completion");
    }
  });

  it("rejects an endpoint whose provider is not declared", () => {
    const bad = structuredClone(raw) as { models: { endpoints: { provider: string }[] }[] };
    const endpoint = bad.models[2]?.endpoints[0];
    if (endpoint === undefined) throw new Error("fixture has no endpoint");
    endpoint.provider = "no-such-provider";
    expectParseError(bad, "models[2].endpoints[0].provider");
  });

  it("rejects duplicate model ids and models without endpoints", () => {
    const bad = structuredClone(raw) as { models: { id: string; endpoints: unknown[] }[] };
    const [first, second] = bad.models;
    if (first === undefined || second === undefined) throw new Error("fixture too small");
    second.id = first.id;
    expectParseError(bad, "models[1].id");
    const empty = structuredClone(raw) as { models: { endpoints: unknown[] }[] };
    const model = empty.models[3];
    if (model === undefined) throw new Error("fixture too small");
    model.endpoints = [];
    expectParseError(empty, "models[3].endpoints");
  });

  it("rejects a free endpoint with a non-zero price", () => {
    const bad = structuredClone(raw) as {
      models: { endpoints: { variant: string; pricing: Record<string, unknown> }[] }[];
    };
    const modelIndex = bad.models.findIndex((m) => m.endpoints.some((e) => e.variant === "free"));
    const model = bad.models[modelIndex];
    if (model === undefined) throw new Error("no free endpoint in fixture");
    const endpointIndex = model.endpoints.findIndex((e) => e.variant === "free");
    const endpoint = model.endpoints[endpointIndex];
    if (endpoint === undefined) throw new Error("no free endpoint in fixture");
    endpoint.pricing.prompt = "0.000001";
    expectParseError(bad, `models[${modelIndex}].endpoints[${endpointIndex}].pricing.prompt`);
  });
});
