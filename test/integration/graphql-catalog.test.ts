import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/billing/money.js";
import { graphqlRequest } from "../support/graphql-client.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The model catalog over GraphQL on a real port: models (each filter, each sort, cursor paging to the end),
 * model(id) with :free and NOT_FOUND, providers, exact Decimal prices, and the SQL statements a page costs.
 */

let gateway: TestGateway;
/** Every SQL statement the gateway's database handle runs, for the batching test. */
const statements: string[] = [];

beforeAll(async () => {
  const database = await createTestDatabase({ onQuery: (sql) => statements.push(sql) });
  // A slow catalog poll keeps background statements out of the counting test.
  gateway = await startTestGateway({ database, config: { CATALOG_POLL_MS: "600000" } });
});

afterAll(async () => {
  await gateway?.stop();
});

interface PricingResult {
  prompt: string;
  completion: string;
  promptPerMillion: string;
  completionPerMillion: string;
}
interface ModelNode {
  id: string;
  name: string;
  created: string;
  contextLength: number;
  variant: "STANDARD" | "FREE";
  architecture: { modality: string; inputModalities: string[]; outputModalities: string[] };
  supportedParameters: string[];
  pricing: PricingResult;
}
interface Connection {
  models: {
    totalCount: number;
    edges: Array<{ cursor: string; node: ModelNode }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const MODELS = /* GraphQL */ `
  query Models($filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
    models(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id name created contextLength variant supportedParameters
          architecture { modality inputModalities outputModalities }
          pricing { prompt completion promptPerMillion completionPerMillion }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

async function models(variables: Record<string, unknown> = {}): Promise<Connection["models"]> {
  const result = await graphqlRequest<Connection>(gateway.url, MODELS, { variables: { first: 100, ...variables } });
  expect(result.errors).toBeUndefined();
  const connection = result.data?.models;
  if (connection === undefined) throw new Error("no data");
  return connection;
}

async function nodes(variables: Record<string, unknown> = {}): Promise<ModelNode[]> {
  return (await models(variables)).edges.map((edge) => edge.node);
}

const ids = (list: ModelNode[]) => list.map((node) => node.id);
const price = (node: ModelNode) => parseUsd(node.pricing.prompt) + parseUsd(node.pricing.completion);
const compare = <T extends bigint | number | string>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: ModelNode, b: ModelNode) => compare(a.id, b.id);
function assertOrdered(list: ModelNode[], order: (a: ModelNode, b: ModelNode) => number): void {
  for (let index = 1; index < list.length; index += 1) {
    const previous = list[index - 1] as ModelNode;
    const current = list[index] as ModelNode;
    expect(order(previous, current), `${previous.id} before ${current.id}`).toBeLessThanOrEqual(0);
  }
}

describe("models", () => {
  it("lists (model, variant) entries as a Relay connection with totalCount", async () => {
    const page = await models({ first: 20 });
    expect(page.edges).toHaveLength(20);
    expect(page.totalCount).toBeGreaterThan(50);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges[19]?.cursor);
    const everything = await nodes();
    expect(ids(everything)).toContain("meta-llama/llama-3.3-70b-instruct:free");
    expect(everything.find((node) => node.id === "meta-llama/llama-3.3-70b-instruct:free")?.variant).toBe("FREE");
  });

  it("defaults to 20 per page, newest first", async () => {
    const result = await graphqlRequest<Connection>(gateway.url, "{ models { edges { node { id created } } } }");
    expect(result.data?.models.edges).toHaveLength(20);
    const created = result.data?.models.edges.map((edge) => Date.parse((edge.node as unknown as { created: string }).created)) ?? [];
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it("pages with opaque cursors to the end, without gaps or repeats", async () => {
    const full = ids(await nodes({ sort: "PRICE_LOW_TO_HIGH" }));
    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let last: string | null = null;
    for (;;) {
      const page = await models({ sort: "PRICE_LOW_TO_HIGH", first: 8, after });
      pages += 1;
      last = page.pageInfo.endCursor;
      expect(page.totalCount).toBe(full.length);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      walked.push(...page.edges.map((edge) => edge.node.id));
      for (const edge of page.edges) expect(edge.cursor).not.toMatch(/\d{2,}|offset/);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(full.length / 8));
    expect(walked).toEqual(full);
    const pastTheEnd = await models({ sort: "PRICE_LOW_TO_HIGH", first: 5, after: last });
    expect(pastTheEnd.edges).toEqual([]);
    expect(pastTheEnd.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  it("first: 0 gives only the count", async () => {
    const page = await models({ first: 0 });
    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBeGreaterThan(50);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it("refuses first beyond 100, a negative first and a foreign cursor with BAD_USER_INPUT", async () => {
    for (const variables of [{ first: 101 }, { first: 100_000 }, { first: -1 }, { after: "bm9wZQ" }, { after: "!!" }]) {
      const result = await graphqlRequest(gateway.url, MODELS, { variables });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe("BAD_USER_INPUT");
    }
    const tooMany = await graphqlRequest(gateway.url, MODELS, { variables: { first: 101 } });
    expect(tooMany.errors?.[0]?.message).toMatch(/between 0 and 100/);
    expect(tooMany.errors?.[0]?.extensions?.field).toBe("first");
  });

  describe("filters", () => {
    it("providers", async () => {
      const list = await nodes({ filter: { providers: ["cerebras"] } });
      expect(list.length).toBeGreaterThan(0);
      expect(ids(list)).toContain("qwen/qwen3-coder");
      expect(ids(list)).not.toContain("openai/gpt-4o");
      const both = await nodes({ filter: { providers: ["cerebras", "openai"] } });
      expect(both.length).toBeGreaterThan(list.length);
    });

    it("authors", async () => {
      const list = await nodes({ filter: { authors: ["anthropic"] } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => node.id.startsWith("anthropic/"))).toBe(true);
    });

    it("input modalities (all)", async () => {
      const list = await nodes({ filter: { inputModalities: ["image", "text"] } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => node.architecture.inputModalities.includes("image"))).toBe(true);
      expect(ids(list)).not.toContain("meta-llama/llama-3.3-70b-instruct");
    });

    it("output modalities (any)", async () => {
      const list = await nodes({ filter: { outputModalities: ["text"] } });
      expect(list.every((node) => node.architecture.outputModalities.includes("text"))).toBe(true);
      expect((await models({ filter: { outputModalities: ["video"] } })).totalCount).toBe(0);
    });

    it("text search over id, name and description, case-insensitive", async () => {
      expect(ids(await nodes({ filter: { search: "CLAUDE" } })).every((id) => id.startsWith("anthropic/"))).toBe(true);
      expect((await nodes({ filter: { search: "claude" } })).length).toBeGreaterThan(0);
      expect(ids(await nodes({ filter: { search: "llama-3.3-70b-instruct:free" } }))).toEqual(["meta-llama/llama-3.3-70b-instruct:free"]);
      expect(ids(await nodes({ filter: { search: "multimodal flagship" } }))).toContain("openai/gpt-4o");
    });

    it("max prompt price, compared exactly", async () => {
      const list = await nodes({ filter: { maxPromptPrice: "0.0000025" } });
      expect(ids(list)).toContain("openai/gpt-4o");
      expect(list.every((node) => parseUsd(node.pricing.prompt) <= parseUsd("0.0000025"))).toBe(true);
      expect(ids(await nodes({ filter: { maxPromptPrice: "0.00000249999" } }))).not.toContain("openai/gpt-4o");
    });

    it("max completion price", async () => {
      const list = await nodes({ filter: { maxCompletionPrice: "0.0000001" } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => parseUsd(node.pricing.completion) <= parseUsd("0.0000001"))).toBe(true);
    });

    it("min prompt price", async () => {
      const list = await nodes({ filter: { minPromptPrice: "0.00001" } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => parseUsd(node.pricing.prompt) >= parseUsd("0.00001"))).toBe(true);
    });

    it("min context length", async () => {
      const list = await nodes({ filter: { minContextLength: 500_000 } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => node.contextLength >= 500_000)).toBe(true);
    });

    it("supported parameters (all)", async () => {
      const list = await nodes({ filter: { supportedParameters: ["tools", "reasoning"] } });
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((node) => node.supportedParameters.includes("tools") && node.supportedParameters.includes("reasoning"))).toBe(true);
    });

    it("free only", async () => {
      const list = await nodes({ filter: { freeOnly: true } });
      expect(list.length).toBeGreaterThanOrEqual(3);
      for (const node of list) {
        expect(node.id).toMatch(/:free$/);
        expect(node.pricing).toMatchObject({ prompt: "0", completion: "0", promptPerMillion: "0" });
      }
    });

    it("explicit nulls mean no constraint", async () => {
      const all = await models({ first: 0 });
      const withNulls = await models({ first: 0, filter: { maxPromptPrice: null, providers: null, freeOnly: null } });
      expect(withNulls.totalCount).toBe(all.totalCount);
    });

    it("refuses prices that are not exact decimals", async () => {
      for (const maxPromptPrice of ["1e-6", "abc", "0.5.5"]) {
        const result = await graphqlRequest(gateway.url, MODELS, { variables: { filter: { maxPromptPrice } } });
        expect(result.errors?.[0]?.extensions?.code, maxPromptPrice).toBe("BAD_USER_INPUT");
      }
      const float = await graphqlRequest(gateway.url, "{ models(filter: { maxPromptPrice: 0.5 }) { totalCount } }");
      expect(float.errors?.[0]?.message).toMatch(/Decimal/);
      const negative = await graphqlRequest(gateway.url, MODELS, { variables: { filter: { maxPromptPrice: "-1" } } });
      expect(negative.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "maxPromptPrice" });
    });
  });

  describe("sorts (ties broken by id)", () => {
    it("PRICE_LOW_TO_HIGH", async () => {
      const list = await nodes({ sort: "PRICE_LOW_TO_HIGH" });
      assertOrdered(list, (a, b) => compare(price(a), price(b)) || byId(a, b));
      expect(list[0]?.variant).toBe("FREE");
    });

    it("PRICE_HIGH_TO_LOW", async () => {
      const list = await nodes({ sort: "PRICE_HIGH_TO_LOW" });
      assertOrdered(list, (a, b) => compare(price(b), price(a)) || byId(a, b));
      expect(price(list[0] as ModelNode)).toBeGreaterThan(0n);
    });

    it("CONTEXT_HIGH_TO_LOW", async () => {
      const list = await nodes({ sort: "CONTEXT_HIGH_TO_LOW" });
      assertOrdered(list, (a, b) => b.contextLength - a.contextLength || byId(a, b));
    });

    it("NEWEST", async () => {
      const list = await nodes({ sort: "NEWEST" });
      assertOrdered(list, (a, b) => Date.parse(b.created) - Date.parse(a.created) || byId(a, b));
    });

    it("NAME", async () => {
      const list = await nodes({ sort: "NAME" });
      const names = list.map((node) => node.name);
      // Names follow the database collation; every collation keeps equal names together and sorts "A" before "Z".
      expect(names.findIndex((name) => name.startsWith("Anthropic"))).toBeLessThan(names.findIndex((name) => name.startsWith("xAI")));
      expect(new Set(names).size).toBeLessThan(names.length + 1);
      for (let index = 1; index < list.length; index += 1) {
        const previous = list[index - 1] as ModelNode;
        const current = list[index] as ModelNode;
        if (previous.name === current.name) expect(byId(previous, current)).toBeLessThan(0);
      }
    });
  });
});

describe("model(id)", () => {
  const MODEL = /* GraphQL */ `
    query Model($id: String!) {
      model(id: $id) {
        id canonicalSlug huggingFaceId name description created variant contextLength
        architecture { modality inputModalities outputModalities tokenizer instructType }
        supportedParameters
        defaultParameters { temperature topP }
        pricing {
          prompt completion request image inputCacheRead inputCacheWrite internalReasoning
          promptPerMillion completionPerMillion inputCacheReadPerMillion inputCacheWritePerMillion internalReasoningPerMillion
        }
        endpoints {
          providerModelId variant contextLength maxCompletionTokens maxPromptTokens quantization supportedParameters status
          pricing { prompt completion promptPerMillion }
          provider { slug name }
          model { id }
        }
      }
    }
  `;

  it("returns a model with exact decimal prices per token and per million", async () => {
    const result = await graphqlRequest<{ model: Record<string, unknown> }>(gateway.url, MODEL, { variables: { id: "openai/gpt-4o" } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.model).toMatchObject({
      id: "openai/gpt-4o",
      canonicalSlug: "openai/gpt-4o-2024-08-06",
      name: "OpenAI: GPT-4o",
      created: "2024-05-13T00:00:00.000Z",
      variant: "STANDARD",
      contextLength: 128000,
      architecture: { modality: "text+image+file->text", tokenizer: "GPT", instructType: null },
      pricing: {
        prompt: "0.0000025",
        completion: "0.00001",
        request: "0",
        inputCacheRead: "0.00000125",
        promptPerMillion: "2.5",
        completionPerMillion: "10",
        inputCacheReadPerMillion: "1.25",
        inputCacheWritePerMillion: "0",
      },
      endpoints: [
        {
          providerModelId: "gpt-4o",
          variant: "STANDARD",
          maxCompletionTokens: 16384,
          pricing: { prompt: "0.0000025", completion: "0.00001", promptPerMillion: "2.5" },
          provider: { slug: "openai", name: "OpenAI" },
          model: { id: "openai/gpt-4o" },
        },
      ],
    });
  });

  it("lists every endpoint of a multi-provider model, cheapest first, priced at the cheapest", async () => {
    const result = await graphqlRequest<{ model: { pricing: PricingResult; endpoints: Array<{ provider: { slug: string }; pricing: PricingResult }> } }>(
      gateway.url,
      MODEL,
      { variables: { id: "meta-llama/llama-3.3-70b-instruct" } },
    );
    const model = result.data?.model;
    expect(model?.endpoints.length).toBe(5);
    expect(model?.endpoints[0]?.provider.slug).toBe("deepinfra");
    expect(model?.pricing.prompt).toBe(model?.endpoints[0]?.pricing.prompt);
    const totals = model?.endpoints.map((endpoint) => parseUsd(endpoint.pricing.prompt) + parseUsd(endpoint.pricing.completion)) ?? [];
    expect([...totals].sort(compare)).toEqual(totals);
  });

  it("resolves :free to the free endpoints only", async () => {
    const result = await graphqlRequest<{ model: { id: string; variant: string; pricing: PricingResult; endpoints: Array<{ variant: string; model: { id: string } }> } }>(
      gateway.url,
      MODEL,
      { variables: { id: "meta-llama/llama-3.3-70b-instruct:free" } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.model).toMatchObject({ id: "meta-llama/llama-3.3-70b-instruct:free", variant: "FREE", pricing: { prompt: "0", completionPerMillion: "0" } });
    expect(result.data?.model.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of result.data?.model.endpoints ?? []) {
      expect(endpoint.variant).toBe("FREE");
      expect(endpoint.model.id).toBe("meta-llama/llama-3.3-70b-instruct:free");
    }
  });

  it("answers an unknown id, or a variant the model lacks, with NOT_FOUND", async () => {
    for (const id of ["nobody/nothing", "openai/gpt-4o:free", "openai/gpt-4o:nitro"]) {
      const result = await graphqlRequest<{ model: unknown }>(gateway.url, MODEL, { variables: { id } });
      expect(result.status).toBe(200);
      expect(result.data?.model).toBeNull();
      expect(result.errors?.[0]).toMatchObject({ path: ["model"], extensions: { code: "NOT_FOUND", status: 404, modelId: id } });
    }
  });
});

describe("providers", () => {
  it("lists every provider with its public facts and endpoints", async () => {
    const result = await graphqlRequest<{
      providers: Array<{
        slug: string;
        name: string;
        urls: { privacyPolicy: string | null; status: string | null };
        headquarters: string | null;
        datacenters: string[];
        dataPolicy: { training: boolean; retainsPrompts: boolean; retentionDays: number | null };
        endpoints: Array<{ providerModelId: string; model: { id: string } }>;
      }>;
    }>(
      gateway.url,
      `{ providers { slug name urls { privacyPolicy termsOfService status } headquarters datacenters
         dataPolicy { training retainsPrompts retentionDays } endpoints { providerModelId model { id } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const providers = result.data?.providers ?? [];
    expect(providers.length).toBeGreaterThanOrEqual(10);
    const slugs = providers.map((provider) => provider.slug);
    expect([...slugs].sort()).toEqual(slugs);
    const openai = providers.find((provider) => provider.slug === "openai");
    expect(openai).toMatchObject({ name: "OpenAI", headquarters: "US", dataPolicy: { training: false, retainsPrompts: true, retentionDays: 30 } });
    expect(openai?.urls.privacyPolicy).toMatch(/^https:\/\//);
    expect(openai?.endpoints.map((endpoint) => endpoint.model.id)).toContain("openai/gpt-4o");
    const together = providers.find((provider) => provider.slug === "together");
    expect(together?.endpoints.map((endpoint) => endpoint.model.id)).toContain("meta-llama/llama-3.3-70b-instruct:free");
    expect(providers.every((provider) => provider.endpoints.length > 0)).toBe(true);
  });
});

describe("batching", () => {
  const PAGE = /* GraphQL */ `
    query Page($first: Int) {
      models(first: $first, sort: NAME) {
        totalCount
        edges { node { id pricing { prompt } endpoints { providerModelId pricing { completion } provider { slug name dataPolicy { training } } } } }
      }
    }
  `;

  /** Statements touching the catalog tables, run while `operation` is in flight. */
  async function countStatements(operation: () => Promise<void>): Promise<string[]> {
    statements.length = 0;
    await operation();
    return statements.filter((sql) => /"(models|endpoints|providers)"/.test(sql));
  }

  it("costs the same few statements for a page of 50 models as for a page of 5", async () => {
    let fifty = 0;
    const small = await countStatements(async () => {
      const result = await graphqlRequest<Connection>(gateway.url, PAGE, { variables: { first: 5 } });
      expect(result.errors).toBeUndefined();
      expect(result.data?.models.edges).toHaveLength(5);
    });
    const large = await countStatements(async () => {
      const result = await graphqlRequest<{ models: { edges: Array<{ node: { endpoints: unknown[] } }> } }>(gateway.url, PAGE, { variables: { first: 50 } });
      expect(result.errors).toBeUndefined();
      expect(result.data?.models.edges).toHaveLength(50);
      fifty = result.data?.models.edges.reduce((sum, edge) => sum + edge.node.endpoints.length, 0) ?? 0;
    });
    expect(fifty).toBeGreaterThan(50);
    // Page + count, every endpoint of the page's models, every provider of those endpoints.
    expect(small, small.join("\n")).toHaveLength(4);
    expect(large, large.join("\n")).toHaveLength(4);
  });

  it("batches the back-references too: endpoint → model is one statement for the whole page, not one per endpoint", async () => {
    const executed = await countStatements(async () => {
      const result = await graphqlRequest(gateway.url, `{ models(first: 50) { edges { node { endpoints { model { id name } } } } } }`);
      expect(result.errors).toBeUndefined();
    });
    // Page + count, endpoints of the page, the listings those endpoints belong to.
    expect(executed, executed.join("\n")).toHaveLength(4);
  });
});
