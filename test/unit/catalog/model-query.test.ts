import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../../src/billing/money.js";
import { getModelListing, getModelListings, listModels } from "../../../src/catalog/model-query.js";
import type { ModelListing } from "../../../src/catalog/model-query.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { TestDatabase } from "../../support/test-database.js";
import { createTestDatabase } from "../../support/test-database.js";

/**
 * listModels against the seeded catalog on a real database (PGlite, or Postgres with DATABASE_URL): each filter,
 * each sort with its tiebreaker, the top-endpoint choice, the statement count and the lookups.
 */

let database: TestDatabase;
const statements: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ onQuery: (sql) => statements.push(sql) });
});

afterAll(async () => {
  await database.destroy();
});

const ids = (entries: ModelListing[]) => entries.map((entry) => entry.listedId);
const all = async (options: Parameters<typeof listModels>[1] = {}) => (await listModels(database.handle.db, options)).entries;

function isSortedBy<T>(values: T[], compare: (a: T, b: T) => number): boolean {
  return values.every((value, index) => index === 0 || compare(values[index - 1] as T, value) <= 0);
}

const decimal = (text: string) => Number(text);
const priceOf = (entry: ModelListing) => parseUsd(entry.pricing.prompt) + parseUsd(entry.pricing.completion);
const compareAmounts = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe("listModels", () => {
  it("lists every (model, variant) pair once, with totalCount", async () => {
    const { entries, totalCount } = await listModels(database.handle.db);
    expect(totalCount).toBe(entries.length);
    expect(new Set(ids(entries)).size).toBe(entries.length);
    expect(ids(entries)).toContain("meta-llama/llama-3.3-70b-instruct");
    expect(ids(entries)).toContain("meta-llama/llama-3.3-70b-instruct:free");
    const free = entries.filter((entry) => entry.variant === "free");
    expect(free.length).toBeGreaterThanOrEqual(3);
    for (const entry of free) {
      expect(entry.listedId.endsWith(":free")).toBe(true);
      expect(entry.pricing.prompt).toBe("0");
      expect(entry.pricing.completion).toBe("0");
    }
  });

  it("picks the cheapest endpoint of the variant as top, with exact normalised prices", async () => {
    const listing = await getModelListing(database.handle.db, "meta-llama/llama-3.3-70b-instruct");
    expect(listing?.top.providerSlug).toBe("deepinfra");
    expect(listing?.pricing.prompt).toBe("0.00000013");
    expect(listing?.pricing.completion).toBe("0.00000039");
    expect(listing?.endpointCount).toBe(5);
    const gpt4o = await getModelListing(database.handle.db, "openai/gpt-4o");
    expect(gpt4o?.pricing).toMatchObject({ prompt: "0.0000025", completion: "0.00001", inputCacheRead: "0.00000125", request: "0" });
    expect(gpt4o?.model.name).toBe("OpenAI: GPT-4o");
    expect(gpt4o?.model.releasedAt).toBeInstanceOf(Date);
  });

  it("gives a free listing its own endpoints' context length", async () => {
    const free = await getModelListing(database.handle.db, "deepseek/deepseek-r1-distill-llama-70b:free");
    expect(free?.variant).toBe("free");
    expect(free?.contextLength).toBe(8192);
    expect(free?.top.providerSlug).toBe("together");
    const standard = await getModelListing(database.handle.db, "deepseek/deepseek-r1-distill-llama-70b");
    expect(standard?.contextLength).toBe(131072);
  });

  it("answers unknown ids and variants with undefined, batch lookups in key order", async () => {
    expect(await getModelListing(database.handle.db, "nobody/nothing")).toBeUndefined();
    expect(await getModelListing(database.handle.db, "openai/gpt-4o:free")).toBeUndefined();
    expect(await getModelListing(database.handle.db, "openai/gpt-4o:nitro")).toBeUndefined();
    const batch = await getModelListings(database.handle.db, ["openai/gpt-4o", "x/y", "meta-llama/llama-3.3-70b-instruct:free", "openai/gpt-4o"]);
    expect(batch.map((entry) => entry?.listedId)).toEqual(["openai/gpt-4o", undefined, "meta-llama/llama-3.3-70b-instruct:free", "openai/gpt-4o"]);
  });

  describe("filters", () => {
    it("providers: any endpoint of the variant served by one of them", async () => {
      const entries = await all({ filter: { providers: ["cerebras"] } });
      expect(entries.length).toBeGreaterThan(0);
      expect(ids(entries)).toContain("meta-llama/llama-3.1-8b-instruct");
      expect(ids(entries)).not.toContain("openai/gpt-4o");
      // The free variant of llama 3.3 is served by together only.
      expect(ids(entries)).not.toContain("meta-llama/llama-3.3-70b-instruct:free");
      // Top stays the listing's cheapest endpoint, not cerebras'.
      expect(entries.find((entry) => entry.listedId === "meta-llama/llama-3.1-8b-instruct")?.top.providerSlug).toBe("deepinfra");
    });

    it("authors", async () => {
      const entries = await all({ filter: { authors: ["anthropic", "x-ai"] } });
      expect(entries.length).toBeGreaterThan(1);
      expect(entries.every((entry) => entry.model.id.startsWith("anthropic/") || entry.model.id.startsWith("x-ai/"))).toBe(true);
    });

    it("input modalities: all of them", async () => {
      const entries = await all({ filter: { inputModalities: ["text", "image"] } });
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.model.inputModalities.includes("image"))).toBe(true);
      const everything = await all();
      expect(entries.length).toBeLessThan(everything.length);
    });

    it("output modalities: any of them", async () => {
      const text = await all({ filter: { outputModalities: ["text"] } });
      expect(text.every((entry) => entry.model.outputModalities.includes("text"))).toBe(true);
      expect(text.length).toBeGreaterThan(0);
      expect(await all({ filter: { outputModalities: ["no-such-modality"] } })).toEqual([]);
    });

    it("search: id, name or description, case-insensitive, literal", async () => {
      expect(ids(await all({ filter: { search: "GPT-4O" } }))).toContain("openai/gpt-4o");
      expect(ids(await all({ filter: { search: ":FREE" } })).every((id) => id.endsWith(":free"))).toBe(true);
      expect((await all({ filter: { search: "multimodal flagship" } })).map((entry) => entry.model.id)).toContain("openai/gpt-4o");
      expect(await all({ filter: { search: "%" } })).toEqual([]);
      expect(await all({ filter: { search: "_" } })).toEqual([]);
    });

    it("max prompt and completion price compare exact decimals", async () => {
      const cheap = await all({ filter: { maxPromptPrice: "0.0000025" } });
      expect(ids(cheap)).toContain("openai/gpt-4o");
      expect(cheap.every((entry) => decimal(entry.pricing.prompt) <= 0.0000025)).toBe(true);
      expect(ids(await all({ filter: { maxPromptPrice: "0.0000024999" } }))).not.toContain("openai/gpt-4o");
      const completion = await all({ filter: { maxCompletionPrice: "0.00001" } });
      expect(ids(completion)).toContain("openai/gpt-4o");
      expect(completion.every((entry) => decimal(entry.pricing.completion) <= 0.00001)).toBe(true);
      expect(ids(await all({ filter: { maxCompletionPrice: "0.0000099" } }))).not.toContain("openai/gpt-4o");
      const minimum = await all({ filter: { minPromptPrice: "0.000001" } });
      expect(minimum.length).toBeGreaterThan(0);
      expect(minimum.every((entry) => decimal(entry.pricing.prompt) >= 0.000001)).toBe(true);
    });

    it("min context length", async () => {
      const entries = await all({ filter: { minContextLength: 1_000_000 } });
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.contextLength >= 1_000_000)).toBe(true);
      expect(ids(entries)).toContain("meta-llama/llama-4-scout");
    });

    it("supported parameters: all of them", async () => {
      const entries = await all({ filter: { supportedParameters: ["tools", "logit_bias"] } });
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.model.supportedParameters.includes("tools") && entry.model.supportedParameters.includes("logit_bias"))).toBe(true);
      expect(await all({ filter: { supportedParameters: ["tools", "no_such_parameter"] } })).toEqual([]);
    });

    it("free only", async () => {
      const entries = await all({ filter: { freeOnly: true } });
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect(entries.every((entry) => entry.variant === "free" && entry.pricing.prompt === "0")).toBe(true);
    });

    it("combines filters with AND", async () => {
      const entries = await all({ filter: { authors: ["meta-llama"], freeOnly: true } });
      expect(ids(entries)).toEqual(["meta-llama/llama-3.3-70b-instruct:free"]);
    });

    it("refuses malformed values with a 400 naming the field", async () => {
      for (const [filter, field] of [
        [{ maxPromptPrice: "1e-6" }, "maxPromptPrice"],
        [{ maxCompletionPrice: "-1" }, "maxCompletionPrice"],
        [{ minPromptPrice: "abc" }, "minPromptPrice"],
        [{ minContextLength: -5 }, "minContextLength"],
      ] as const) {
        const error = await listModels(database.handle.db, { filter }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).status).toBe(400);
        expect((error as GatewayError).metadata).toMatchObject({ field });
      }
    });
  });

  describe("sorts, each with the listed id as tiebreaker", () => {
    const byId = (a: ModelListing, b: ModelListing) => (a.listedId < b.listedId ? -1 : a.listedId > b.listedId ? 1 : 0);

    it("price low to high", async () => {
      const entries = await all({ sort: "price_low_to_high" });
      expect(isSortedBy(entries, (a, b) => compareAmounts(priceOf(a), priceOf(b)) || byId(a, b))).toBe(true);
      expect(entries[0]?.variant).toBe("free");
    });

    it("price high to low", async () => {
      const entries = await all({ sort: "price_high_to_low" });
      expect(isSortedBy(entries, (a, b) => compareAmounts(priceOf(b), priceOf(a)) || byId(a, b))).toBe(true);
      expect(entries.at(-1)?.variant).toBe("free");
    });

    it("context length high to low", async () => {
      const entries = await all({ sort: "context_high_to_low" });
      expect(isSortedBy(entries, (a, b) => b.contextLength - a.contextLength || byId(a, b))).toBe(true);
    });

    it("newest", async () => {
      const entries = await all({ sort: "newest" });
      expect(isSortedBy(entries, (a, b) => b.model.releasedAt.getTime() - a.model.releasedAt.getTime() || byId(a, b))).toBe(true);
      // A model and its free variant share a release date: the tiebreaker puts the standard one first.
      const standard = ids(entries).indexOf("meta-llama/llama-3.3-70b-instruct");
      expect(ids(entries)[standard + 1]).toBe("meta-llama/llama-3.3-70b-instruct:free");
    });

    it("name", async () => {
      const entries = await all({ sort: "name" });
      const collated = entries.map((entry) => entry.model.name);
      expect(collated.length).toBe(entries.length);
      // Names compare in the database's collation; check the weaker property every collation shares.
      const groups = new Map<string, number[]>();
      entries.forEach((entry, index) => groups.set(entry.model.name, [...(groups.get(entry.model.name) ?? []), index]));
      for (const indexes of groups.values()) expect(indexes.every((value, index) => index === 0 || value === (indexes[index - 1] as number) + 1)).toBe(true);
    });
  });

  describe("paging", () => {
    it("limit and offset walk the same order as the full list", async () => {
      const full = ids(await all({ sort: "price_low_to_high" }));
      const walked: string[] = [];
      for (let offset = 0; offset < full.length; offset += 7) {
        const page = await listModels(database.handle.db, { sort: "price_low_to_high", limit: 7, offset });
        expect(page.totalCount).toBe(full.length);
        walked.push(...ids(page.entries));
      }
      expect(walked).toEqual(full);
    });

    it("an offset beyond the end still counts", async () => {
      const page = await listModels(database.handle.db, { limit: 5, offset: 10_000 });
      expect(page.entries).toEqual([]);
      expect(page.totalCount).toBeGreaterThan(50);
    });

    it("costs two statements whatever the page size", async () => {
      statements.length = 0;
      await listModels(database.handle.db, { limit: 5, filter: { search: "a" } });
      const small = statements.length;
      statements.length = 0;
      await listModels(database.handle.db, { limit: 50 });
      expect(small).toBe(2);
      expect(statements.length).toBe(2);
    });

    it("refuses a negative limit or offset", async () => {
      await expect(listModels(database.handle.db, { limit: -1 })).rejects.toThrow(/limit/);
      await expect(listModels(database.handle.db, { offset: -1 })).rejects.toThrow(/offset/);
    });
  });
});
