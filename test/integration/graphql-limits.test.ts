import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, webSocketClient } from "../support/graphql-client.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Depth and complexity limits refuse abusive catalog queries before they run, over HTTP and over graphql-ws
 * alike. The catalog's back-references (Model.endpoints → Endpoint.provider → Provider.endpoints →
 * Endpoint.model → ...) make cycles, and `first` multiplies what is selected under `models`.
 */

const MAX_DEPTH = 10;
const MAX_COMPLEXITY = 5000;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ config: { GRAPHQL_MAX_DEPTH: String(MAX_DEPTH), GRAPHQL_MAX_COMPLEXITY: String(MAX_COMPLEXITY) } });
});

afterAll(async () => {
  await gateway?.stop();
});

/** Twelve fields deep, but only one model wide: the depth limit, not complexity, refuses it. */
const TOO_DEEP = /* GraphQL */ `
  { models(first: 1) { edges { node { endpoints { provider { endpoints { model { endpoints { provider { endpoints { model { id } } } } } } } } } } } }
`;

/** Eight deep (within the limit) but 100 models × their endpoints × each provider's endpoints: too complex. */
const TOO_COMPLEX = /* GraphQL */ `
  { models(first: 100) { edges { node { endpoints { provider { endpoints { model { id } } } } } } } }
`;

/** A page of 100 models with endpoints and providers: what a catalog page needs, and allowed. */
const REASONABLE = /* GraphQL */ `
  { models(first: 100) { totalCount edges { node { id name pricing { prompt completion } endpoints { pricing { prompt } provider { slug name } } } } } }
`;

interface ResultError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** Runs one operation over graphql-ws and collects what the server sent. */
async function overWebSocket(query: string): Promise<{ data: unknown; errors: ResultError[] | undefined }> {
  const client = webSocketClient(gateway.url);
  try {
    return await new Promise((resolve, reject) => {
      let data: unknown;
      let errors: ResultError[] | undefined;
      client.subscribe(
        { query },
        {
          next: (result) => {
            data = result.data;
            errors = result.errors as ResultError[] | undefined;
          },
          error: (error: unknown) => {
            if (Array.isArray(error)) resolve({ data: undefined, errors: error as ResultError[] });
            else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => resolve({ data, errors }),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe("depth limit", () => {
  it("refuses a cyclic query deeper than GRAPHQL_MAX_DEPTH over HTTP", async () => {
    const result = await graphqlRequest(gateway.url, TOO_DEEP);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_DEEP", depth: 12, maxDepth: MAX_DEPTH });
    expect(result.errors?.[0]?.message).toMatch(/too deep/);
  });

  it("refuses it over graphql-ws", async () => {
    const result = await overWebSocket(TOO_DEEP);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_DEEP", maxDepth: MAX_DEPTH });
  });

  it("counts fragments: hiding depth in fragments does not help", async () => {
    const query = /* GraphQL */ `
      fragment Deep on Endpoint { provider { endpoints { model { endpoints { provider { endpoints { model { id } } } } } } } }
      { models(first: 1) { edges { node { endpoints { ...Deep } } } } }
    `;
    const result = await graphqlRequest(gateway.url, query);
    expect(result.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_DEEP");
  });
});

describe("complexity limit", () => {
  it("refuses a wide cyclic query over HTTP", async () => {
    const result = await graphqlRequest(gateway.url, TOO_COMPLEX);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", maxComplexity: MAX_COMPLEXITY });
    expect(Number(result.errors?.[0]?.extensions?.complexity)).toBeGreaterThan(MAX_COMPLEXITY);
  });

  it("refuses it over graphql-ws", async () => {
    const result = await overWebSocket(TOO_COMPLEX);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", maxComplexity: MAX_COMPLEXITY });
  });

  it("lets `first` decide: the same selection on 2 models is allowed", async () => {
    const result = await graphqlRequest(gateway.url, TOO_COMPLEX.replace("first: 100", "first: 2"));
    expect(result.errors).toBeUndefined();
  });

  it("allows a full page of models with endpoints and providers, over HTTP and graphql-ws", async () => {
    const http = await graphqlRequest<{ models: { totalCount: number; edges: unknown[] } }>(gateway.url, REASONABLE);
    expect(http.errors).toBeUndefined();
    expect(http.data?.models.edges.length).toBe(Math.min(100, http.data?.models.totalCount ?? -1));
    const socket = await overWebSocket(REASONABLE);
    expect(socket.errors).toBeUndefined();
    expect(socket.data).toEqual(http.data);
  });
});
