import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCatalogFile } from "../../src/catalog/seed.js";
import { applyCatalog } from "../../src/catalog/catalog-writer.js";
import WebSocket from "ws";
import { createFundedKey } from "../support/api-keys.js";
import { graphqlRequest, webSocketClient } from "../support/graphql-client.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

describe("one server on one port", () => {
  it("answers liveness without touching dependencies", async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready once the database answers, migrations are applied and the catalog is loaded", async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
    expect(response.status).toBe(200);
    expect(body.status).toBe("ready");
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.migrations?.detail).toMatch(/0 pending/);
    expect(body.checks.catalog?.detail).toMatch(/^\d+ models/);
  });

  it("answers unknown routes with OpenRouter's error envelope", async () => {
    const response = await fetch(`${gateway.url}/api/v1/no-such-thing`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(404);
    expect(body.error.message).toContain("/api/v1/no-such-thing");
  });

  it("answers malformed JSON bodies with a 400 envelope", async () => {
    const response = await fetch(`${gateway.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
  });

  it("serves GraphQL over HTTP on /graphql", async () => {
    const result = await graphqlRequest<{ catalogRevision: number }>(gateway.url, "{ catalogRevision }");
    expect(result.errors).toBeUndefined();
    expect(result.data?.catalogRevision).toBe(gateway.services.catalog.snapshot().revision);
  });

  it("serves GraphQL subscriptions over graphql-ws on the same path: catalogUpdated fires on an import", async () => {
    const client = webSocketClient(gateway.url);
    const before = gateway.services.catalog.snapshot().revision;
    const received: Array<{ revision: number; modelCount: number }> = [];
    const done = new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<{ catalogUpdated: { revision: number; modelCount: number } }>(
        { query: "subscription { catalogUpdated { revision modelCount changedAt } }" },
        {
          next: (message) => {
            if (message.data) received.push(message.data.catalogUpdated);
            unsubscribe();
            resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    // Give the subscription a moment to be registered, then change a price the way an operator would.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const file = readCatalogFile();
    const model = file.models[0];
    const endpoint = model?.endpoints[0];
    if (model === undefined || endpoint === undefined) throw new Error("empty catalog");
    endpoint.pricing.prompt = "0.000123";
    const summary = await applyCatalog(gateway.services.database.db, { ...file, models: [model] });
    expect(summary.updated).toBeGreaterThanOrEqual(1);
    await done;
    await client.dispose();
    expect(received[0]?.revision).toBeGreaterThan(before);
    expect(received[0]?.modelCount).toBe(gateway.services.catalog.snapshot().models.size);
  });

  it("serves a GraphQL IDE to browsers on GET /graphql, with its assets from this server", async () => {
    const page = await fetch(`${gateway.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("GraphiQL");
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const script of scripts) {
      expect(script.startsWith("/graphql/assets/")).toBe(true);
      const asset = await fetch(`${gateway.url}${script}`);
      expect(asset.status).toBe(200);
    }
  });
});

describe("catalog writer", () => {
  it("is idempotent: applying the shipped catalog again changes nothing and keeps the revision", async () => {
    const before = gateway.services.catalog.snapshot().revision;
    const summary = await applyCatalog(gateway.services.database.db, readCatalogFile());
    // The earlier subscription test changed one price; re-applying the file restores it (one update), then nothing.
    const again = await applyCatalog(gateway.services.database.db, readCatalogFile());
    expect(summary.inserted).toBe(0);
    expect(summary.updated).toBeLessThanOrEqual(1);
    expect(again).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.revision).toBe(summary.revision);
    expect(again.revision).toBeGreaterThanOrEqual(before);
  });
});

describe("WebSocket authentication", () => {
  /** Opens a graphql-ws socket, sends connection_init with the given payload, and reports ack or close code. */
  async function connect(payload: Record<string, unknown>): Promise<{ acked: boolean; closeCode: number | undefined }> {
    const socket = new WebSocket(`${gateway.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload }));
    const outcome = await new Promise<{ acked: boolean; closeCode: number | undefined }>((resolve) => {
      socket.once("message", (data) => resolve({ acked: (JSON.parse(String(data)) as { type: string }).type === "connection_ack", closeCode: undefined }));
      socket.once("close", (code) => resolve({ acked: false, closeCode: code }));
    });
    socket.close();
    return outcome;
  }

  it("closes a socket whose connection_init carries a bad key with 4403", async () => {
    expect(await connect({ Authorization: "Bearer sk-gw-not-a-key" })).toEqual({ acked: false, closeCode: 4403 });
  });

  it("acknowledges a socket with a valid key, and one with no key (public subscriptions)", async () => {
    const key = await createFundedKey(gateway, { usd: "1" });
    expect((await connect({ Authorization: `Bearer ${key.apiKey}` })).acked).toBe(true);
    expect((await connect({})).acked).toBe(true);
  });
});
