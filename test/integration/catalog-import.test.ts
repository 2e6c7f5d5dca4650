import "reflect-metadata";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOpenRouterListing, OpenRouterListingError } from "../../src/catalog/openrouter-import.js";
import { runCatalogImport } from "../../src/cli/catalog-import.js";
import { projectPath } from "../../src/config/project-root.js";
import { endpoints } from "../../src/db/schema/index.js";
import { expectOpenRouterResponse } from "../support/contract.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `npm run catalog:import`: an OpenRouter-compatible `/models` listing imported into a running gateway's
 * database, idempotently, from a file and from a URL; a changed price reaches `GET /api/v1/models` after the
 * gateway's catalog poll (CATALOG_POLL_MS is 200 in tests). The command itself runs in-process (argument
 * parsing, output) and once as a real process.
 */

const FIXTURE_PATH = projectPath("test", "fixtures", "openrouter-models.json");

interface Listing {
  data: Array<{ id: string; pricing: Record<string, string> }>;
}

interface ListedModel {
  id: string;
  name: string;
  pricing: Record<string, string>;
}

let gateway: TestGateway;
let scratch: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  scratch = mkdtempSync(join(tmpdir(), "gw-catalog-import-"));
});

afterAll(async () => {
  await gateway?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

function readFixture(): Listing {
  return JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as Listing;
}

/** The fixture with one model's prompt price changed, written to a scratch file. */
function listingWithPrice(modelId: string, prompt: string): { listing: Listing; path: string } {
  const listing = readFixture();
  const model = listing.data.find((candidate) => candidate.id === modelId);
  if (model === undefined) throw new Error(`${modelId} is not in the fixture`);
  model.pricing.prompt = prompt;
  const path = join(scratch, `listing-${modelId.replace("/", "_")}-${prompt}.json`);
  writeFileSync(path, JSON.stringify(listing));
  return { listing, path };
}

async function listedModels(query = ""): Promise<ListedModel[]> {
  const response = await fetch(`${gateway.url}/api/v1/models${query}`);
  const body = (await response.json()) as { data: ListedModel[] };
  expectOpenRouterResponse(`/api/v1/models${query}`, "GET", response.status, body);
  return body.data;
}

/** Polls until `check` passes: the gateway reloads its snapshot on the next revision poll. */
async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("importing into a running gateway's database", () => {
  it("adds the listing's models as openrouter endpoints, and a second run changes nothing", async () => {
    const db = gateway.services.database.db;
    const first = await importOpenRouterListing(db, { source: FIXTURE_PATH });
    expect(first.modelCount).toBe(9);
    // The openrouter provider, 5 models the shipped catalog lacks, 11 endpoints (GPT-4o's :extended listing
    // among them, as an `extended` endpoint); the 4 models it already had (GPT-4o, Claude Sonnet 4, Gemini 2.5
    // Flash, Llama 3.3 70B) take the listing's description and metadata.
    expect(first.summary).toMatchObject({ inserted: 1 + 5 + 11, updated: 4 });
    expect(first.warnings).toHaveLength(1);

    const second = await importOpenRouterListing(db, { source: FIXTURE_PATH });
    expect(second.summary).toMatchObject({ inserted: 0, updated: 0, revision: first.summary.revision });

    await eventually(async () => {
      const models = await listedModels("?output_modalities=all");
      const ids = models.map((model) => model.id);
      expect(ids).toEqual(expect.arrayContaining(["mistralai/devstral-small", "tngtech/deepseek-r1t2-chimera:free", "google/gemini-2.5-flash-image"]));
      expect(ids).not.toContain("openrouter/auto");
      expect(models.find((model) => model.id === "mistralai/devstral-small")?.pricing).toMatchObject({ prompt: "0.00000007", completion: "0.00000028" });
    });
    // A model the shipped catalog already had gains an OpenRouter endpoint beside its own providers (the
    // endpoints route answers from the in-memory snapshot, hence the wait for the gateway's poll).
    await eventually(async () => {
      const response = await fetch(`${gateway.url}/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints`);
      const body = (await response.json()) as { data: { endpoints: Array<{ tag: string; pricing: Record<string, string> }> } };
      expect(body.data.endpoints.map((endpoint) => endpoint.tag)).toEqual(expect.arrayContaining(["openrouter", "groq", "deepinfra"]));
      expect(body.data.endpoints.find((endpoint) => endpoint.tag === "openrouter")?.pricing.prompt).toBe("0.00000013");
    });
    const providers = (await (await fetch(`${gateway.url}/api/v1/providers`)).json()) as { data: Array<{ slug: string }> };
    expect(providers.data.map((provider) => provider.slug)).toContain("openrouter");
  });

  it("updates a changed price, which GET /api/v1/models shows after the gateway's refresh", async () => {
    const db = gateway.services.database.db;
    await importOpenRouterListing(db, { source: FIXTURE_PATH });
    const { path } = listingWithPrice("mistralai/devstral-small", "0.00000009");
    const changed = await importOpenRouterListing(db, { source: path });
    expect(changed.summary).toMatchObject({ inserted: 0, updated: 1 });
    await eventually(async () => {
      const [model] = await listedModels("?q=devstral");
      expect(model?.pricing.prompt).toBe("0.00000009");
    });
    const again = await importOpenRouterListing(db, { source: path });
    expect(again.summary).toMatchObject({ inserted: 0, updated: 0 });
  });

  describe("from a URL", () => {
    let server: Server;
    let served: unknown;
    let baseUrl: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url !== "/api/v1/models") {
          response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: 404, message: "Not found" } }));
          return;
        }
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(served));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
    });

    it("fetches the listing over HTTP and applies it", async () => {
      await importOpenRouterListing(gateway.services.database.db, { source: FIXTURE_PATH });
      served = listingWithPrice("cohere/command-r-08-2024", "0.00000016").listing;
      const result = await importOpenRouterListing(gateway.services.database.db, { source: `${baseUrl}/api/v1/models` });
      expect(result.summary.updated).toBe(1);
      await eventually(async () => {
        const [model] = await listedModels("?q=command-r-08");
        expect(model?.pricing.prompt).toBe("0.00000016");
      });
    });

    it("reports an HTTP error as an import error", async () => {
      await expect(importOpenRouterListing(gateway.services.database.db, { source: `${baseUrl}/nope` })).rejects.toThrow(OpenRouterListingError);
      await expect(importOpenRouterListing(gateway.services.database.db, { source: `${baseUrl}/nope` })).rejects.toThrow(/HTTP 404/);
    });
  });

  it("imports under a provider already in the catalog with --provider", async () => {
    const listing = { data: readFixture().data.filter((model) => model.id === "nousresearch/hermes-3-llama-3.1-70b") };
    const path = join(scratch, "hermes.json");
    writeFileSync(path, JSON.stringify(listing));
    const result = await importOpenRouterListing(gateway.services.database.db, { source: path, provider: "deepinfra" });
    expect(result.summary.inserted).toBeGreaterThanOrEqual(1);
    const rows = await gateway.services.database.db.select().from(endpoints);
    expect(rows.filter((row) => row.modelId === "nousresearch/hermes-3-llama-3.1-70b").map((row) => row.providerSlug).sort()).toEqual(["deepinfra", "openrouter"]);
    await expect(importOpenRouterListing(gateway.services.database.db, { source: path, provider: "nobody" })).rejects.toThrow(/Unknown provider "nobody"/);
  });
});

describe("the catalog:import command", () => {
  let database: TestDatabase;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    database = await createTestDatabase();
    // PGlite allows one process per data folder: release it so the command (and its child process) can open it.
    if (database.url === undefined) await database.handle.close();
    env = database.url !== undefined ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir };
  });

  afterAll(async () => {
    await database?.destroy();
  });

  function capture() {
    const lines = { log: [] as string[], error: [] as string[] };
    return { lines, output: { log: (line: string) => lines.log.push(line), error: (line: string) => lines.error.push(line) } };
  }

  it("imports, then reports nothing changed on the second run", async () => {
    const first = capture();
    expect(await runCatalogImport([FIXTURE_PATH], { env, output: first.output })).toBe(0);
    expect(first.lines.log.join("\n")).toMatch(/imported 9 models .*: [1-9]\d* inserted, \d+ updated, \d+ unchanged/);
    expect(first.lines.error).toEqual([expect.stringMatching(/^warning: openrouter\/auto/)]);

    const second = capture();
    expect(await runCatalogImport([FIXTURE_PATH, "--provider", "openrouter"], { env, output: second.output })).toBe(0);
    expect(second.lines.log.join("\n")).toMatch(/: 0 inserted, 0 updated, \d+ unchanged/);
  });

  it.each([
    [[], 2, /usage: npm run catalog:import/],
    [["a.json", "b.json"], 2, /only one listing/],
    [["--bogus"], 2, /unknown option --bogus/],
    [["--provider"], 2, /--provider needs a provider slug/],
    [["/no/such/listing.json"], 1, /catalog import failed: Cannot read \/no\/such\/listing.json/],
  ])("answers %j with exit code %i", async (argv, code, message) => {
    const run = capture();
    expect(await runCatalogImport(argv, { env, output: run.output })).toBe(code);
    expect([...run.lines.log, ...run.lines.error].join("\n")).toMatch(message);
  });

  it("runs as a process", () => {
    const tsx = projectPath("node_modules", ".bin", "tsx");
    if (!existsSync(tsx)) {
      console.warn("[catalog-import] skipping the child-process run: node_modules/.bin/tsx is not installed");
      return;
    }
    const child = spawnSync(tsx, ["src/cli/catalog-import.ts", FIXTURE_PATH], {
      cwd: projectPath(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toContain("warning: openrouter/auto");
    expect(child.stdout).toMatch(/: 0 inserted, 0 updated, \d+ unchanged/);
    expect(child.status).toBe(0);
  });
});
