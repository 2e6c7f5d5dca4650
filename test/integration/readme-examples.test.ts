import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { applyCatalog } from "../../src/catalog/catalog-writer.js";
import { readCatalogFile } from "../../src/catalog/seed.js";
import { projectPath } from "../../src/config/project-root.js";
import { createFundedKey } from "../support/api-keys.js";
import type { ReadmeBlock } from "../support/readme-blocks.js";
import { readmeBlocks, shellCommands } from "../support/readme-blocks.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The README's examples, run as written against a real gateway on the simulated upstreams: every `curl` line
 * of every shell block, every TypeScript block (with tsx, as a user would paste it into a file) and every
 * GraphQL operation. Only the address, the keys and the `<placeholders>` are filled in. The shell lines that
 * are not `curl` (the CLI, the catalog import from openrouter.ai) have twins in accounts-cli.test.ts and
 * catalog-import.test.ts.
 */

const MANAGEMENT_KEY = "mk-operator-readme-examples-0123456789";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };
const README_ADDRESS = "127.0.0.1:8080";
const EXAMPLES_FOLDER = projectPath("node_modules", ".cache", "readme-examples");

let providers: SimulatedProviders;
let gateway: TestGateway;
let placeholders: Record<string, string>;
let environment: NodeJS.ProcessEnv;

/** The example as it runs here: this gateway's address and the test's keys and ids in place of the README's. */
function filledIn(text: string): string {
  let result = text.replaceAll(`http://${README_ADDRESS}`, gateway.url).replaceAll(`ws://${README_ADDRESS}`, gateway.url.replace(/^http/, "ws"));
  for (const [placeholder, value] of Object.entries(placeholders)) result = result.replaceAll(placeholder, value);
  return result;
}

const blocks = readmeBlocks();
const curlCommands = blocks
  .filter((block) => block.language === "sh")
  .flatMap((block) => shellCommands(block.text).map((command) => ({ block, command })))
  .filter(({ command }) => command.startsWith("curl "));
const typeScriptBlocks = blocks.filter((block) => block.language === "ts");
const graphqlBlocks = blocks.filter((block) => block.language === "graphql");

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env, config: { MANAGEMENT_KEY, ENCRYPTION_KEY: "3c9a2f0e7b6d5c4a3b2a19f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8" } });
  const funded = await createFundedKey(gateway, { usd: "10", name: "readme" });
  const spare = await gateway.services.keys.create(OPERATOR, { accountId: funded.accountId, name: "to disable and delete" });
  // The README's own-key examples replace this key (same id), change it and delete it.
  const ownKey = await gateway.services.byok.put(OPERATOR, { accountId: funded.accountId, provider: "mistral", key: "placeholder-mistral-key-000000" });
  placeholders = { "<account id>": funded.accountId, "<hash>": spare.key.hash, "<the sk-gw-... key>": funded.apiKey, "<byok id>": ownKey.key.id };
  environment = { PATH: process.env.PATH, HOME: process.env.HOME, GATEWAY_KEY: funded.apiKey, MANAGEMENT_KEY };
  mkdirSync(EXAMPLES_FOLDER, { recursive: true });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

/** What a successful answer's text looks like: JSON without an error, an SSE stream ending in [DONE], or jq's output. */
function expectSuccessfulOutput(output: string): void {
  expect(output.trim().length).toBeGreaterThan(0);
  const trimmed = output.trim();
  if (trimmed.startsWith("data:") || trimmed.startsWith(":")) {
    expect(trimmed.endsWith("data: [DONE]")).toBe(true);
    expect(trimmed).not.toContain('"error"');
    return;
  }
  if (trimmed.startsWith("{")) {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    expect(body.error).toBeUndefined();
    expect(body.errors).toBeUndefined();
    return;
  }
  for (const line of trimmed.split("\n")) expect(line).not.toBe("null");
}

describe("the README's curl examples", () => {
  it("are there to run", () => {
    expect(curlCommands.length).toBeGreaterThanOrEqual(10);
  });

  for (const { block, command } of curlCommands) {
    it(`${block.section} (README line ${block.line}): ${command.slice(0, 90)}`, async () => {
      // --fail-with-body turns an HTTP error into a non-zero exit; pipefail keeps it through `| jq`. The gateway
      // runs in this process, so the command runs asynchronously.
      const runnable = `set -o pipefail; ${filledIn(command).replace(/^curl /, "curl --fail-with-body --max-time 20 ")}`;
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile("bash", ["-c", runnable], { env: environment, encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
        });
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expectSuccessfulOutput(run.stdout);
    });
  }
});

/** The names of a GraphQL block's operations, in order. */
function operationNames(block: ReadmeBlock): string[] {
  return [...block.text.matchAll(/^(?:query|mutation) (\w+)/gm)].map((match) => match[1] ?? "");
}

describe("the README's GraphQL operations", () => {
  for (const block of graphqlBlocks) {
    for (const name of operationNames(block)) {
      it(`${name} (README line ${block.line})`, async () => {
        const response = await fetch(`${gateway.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${String(environment.GATEWAY_KEY)}` },
          body: JSON.stringify({ query: block.text, operationName: name }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: unknown };
        expect(body.errors).toBeUndefined();
        expect(response.status).toBe(200);
        expect(body.data).not.toBeNull();
      });
    }
  }
});

/** Runs a TypeScript example with tsx; `whileRunning` may act on the gateway until the example has printed. */
async function runTypeScript(block: ReadmeBlock, options: { untilOutput?: () => Promise<void> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(EXAMPLES_FOLDER, `readme-line-${block.line}.mts`);
  writeFileSync(file, filledIn(block.text));
  const child = spawn(projectPath("node_modules", ".bin", "tsx"), [file], { env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  if (options.untilOutput !== undefined) {
    // A subscription example runs until stopped: make it print, then stop it.
    while (stdout === "" && Date.now() < deadline && child.exitCode === null) {
      await options.untilOutput();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    child.kill("SIGTERM");
    await exited;
    return { code: 0, stdout, stderr };
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), deadline - Date.now());
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** An operator's price change, which fires `catalogUpdated`. */
async function changeAPrice(): Promise<void> {
  const file = readCatalogFile();
  const model = file.models[0];
  const endpoint = model?.endpoints[0];
  if (model === undefined || endpoint === undefined) throw new Error("empty catalog");
  endpoint.pricing.prompt = `0.000${String(100 + Math.floor(Math.random() * 800))}`;
  await applyCatalog(gateway.services.database.db, { ...file, models: [model] });
}

describe("the README's TypeScript examples", () => {
  it("are there to run", () => {
    expect(typeScriptBlocks.length).toBeGreaterThanOrEqual(2);
  });

  for (const block of typeScriptBlocks) {
    it(`${block.section} (README line ${block.line})`, { timeout: 60_000 }, async () => {
      const subscribesToCatalog = block.text.includes("catalogUpdated");
      const run = await runTypeScript(block, subscribesToCatalog ? { untilOutput: changeAPrice } : {});
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().length, run.stderr).toBeGreaterThan(0);
      if (subscribesToCatalog) expect(run.stdout).toMatch(/catalogUpdated[\s\S]*revision/);
      if (block.text.includes("usage.cost")) expect(run.stdout).toMatch(/cost/);
      // The streaming client prints the answer's words as they come, then how it ended and what it cost.
      if (block.text.includes("chatCompletion(input")) expect(run.stdout).toMatch(/\w+ \w+[\s\S]*\n\[stop, \d+ tokens, \$0\.\d+\]\n$/);
    });
  }

  it("include the streaming client of examples/stream-chat-completion.ts, word for word", () => {
    const example = readFileSync(projectPath("examples", "stream-chat-completion.ts"), "utf8");
    expect(typeScriptBlocks.some((block) => block.text.trim() === example.trim())).toBe(true);
  });
});
