import "reflect-metadata";
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/billing/money.js";
import { TEST_OPERATOR, createFundedKey } from "../support/api-keys.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The GraphQL playground in a real browser: headless Chromium (Debian's `chromium` package, driven by
 * playwright-core) opens `GET /graphql`, the GraphiQL IDE loads from the gateway's own assets (every other
 * origin is blocked, proving it works offline), a query typed into the editor runs on the run button, and
 * its result appears in the result pane, and a subscription runs over graphql-ws with the key of the Headers
 * tab, its events replacing one another in the result pane as they arrive. Skipped, with the reason printed, where Chromium is not installed
 * (`apt-get install -y chromium`; CI installs it).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) console.warn(`[playground-browser] skipped: ${CHROMIUM} not found (install it with apt-get install -y chromium)`);

/**
 * The page's `document`, as seen by code that `page.evaluate` runs inside the browser. The project compiles
 * without the DOM library (it is a server), so the little used here is typed by hand; the type is erased, and
 * the function bodies passed to the browser reach `document` through `globalThis`.
 */
type BrowserGlobal = { document: { querySelector(selector: string): unknown } };

describe.skipIf(chromiumMissing)("GraphQL playground in headless Chromium", () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Anything not served by the gateway (a CDN font or script) is refused and recorded.
    await page.route("**/*", async (route) => {
      if (route.request().url().startsWith(gateway.url)) return route.continue();
      foreignRequests.push(route.request().url());
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  /** Replaces the text of the CodeMirror editor under `selector`, as typing would. */
  async function setEditor(selector: string, text: string): Promise<void> {
    await page.locator(`${selector} .CodeMirror`).first().waitFor();
    await page.evaluate(
      ({ selector, text }) => {
        const element = (globalThis as unknown as BrowserGlobal).document.querySelector(`${selector} .CodeMirror`) as { CodeMirror?: { setValue(value: string): void } } | null;
        if (element?.CodeMirror === undefined) throw new Error(`no CodeMirror editor in ${selector}`);
        element.CodeMirror.setValue(text);
      },
      { selector, text },
    );
  }

  /** GraphiQL re-reads the operation name from the query editor after a short debounce; run only once it has. */
  async function waitForOperationName(name: string): Promise<void> {
    await page.waitForFunction((expected) => {
      const element = (globalThis as unknown as BrowserGlobal).document.querySelector(".graphiql-query-editor .CodeMirror") as { CodeMirror?: { operationName?: string } } | null;
      return element?.CodeMirror?.operationName === expected;
    }, name);
  }

  function nextGraphQLRequest() {
    return page.waitForRequest((request) => request.method() === "POST" && request.url() === `${gateway.url}/graphql`);
  }

  it("serves GraphiQL from local assets at GET /graphql", async () => {
    const response = await page.goto(`${gateway.url}/graphql`, { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toMatch(/text\/html/);
    await page.locator(".graphiql-container").waitFor({ timeout: 20_000 });
    await page.locator(".graphiql-execute-button").waitFor();
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("runs a query typed into the editor and shows the result", async () => {
    const revision = gateway.services.catalog.snapshot().revision;
    await setEditor(".graphiql-query-editor", "query Revision {\n  catalogRevision\n}\n");
    await waitForOperationName("Revision");
    const sent = nextGraphQLRequest();
    await page.locator(".graphiql-execute-button").click();
    const request = await sent;
    expect(request.postDataJSON()).toMatchObject({ operationName: "Revision", query: expect.stringContaining("catalogRevision") });
    // The headers editor starts as {"Authorization": "Bearer "}: a blank key is not sent.
    expect(request.headers().authorization).toBeUndefined();
    const result = page.locator(".graphiql-response");
    await expect.poll(async () => result.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`"catalogRevision":\\s*${revision}`));
    expect(pageErrors).toEqual([]);
  });

  it("opens with the headers editor showing, and sends the Authorization header set there", async () => {
    await expect.poll(async () => page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").innerText()).toContain("Authorization");
    await setEditor(".graphiql-editor-tool .graphiql-editor:not(.hidden)", JSON.stringify({ Authorization: "Bearer sk-playground-test" }));
    const sent = nextGraphQLRequest();
    await page.locator(".graphiql-execute-button").click();
    const request = await sent;
    expect(request.headers().authorization).toBe("Bearer sk-playground-test");
  });

  it("runs a subscription over graphql-ws with the Headers tab's key, and shows its events as they arrive", async () => {
    const key = await createFundedKey(gateway, { usd: "3", name: "playground" });
    await setEditor(".graphiql-editor-tool .graphiql-editor:not(.hidden)", JSON.stringify({ Authorization: `Bearer ${key.apiKey}` }));
    await setEditor(
      ".graphiql-query-editor",
      "subscription Events {\n  accountEvents {\n    __typename\n    ... on BalanceChanged { cause balance }\n    ... on CreditsAdded { source credits }\n  }\n}\n",
    );
    await waitForOperationName("Events");
    await page.locator(".graphiql-execute-button").click();
    const result = page.locator(".graphiql-response");
    // The first event is the balance when the subscription started: from then on it is live.
    await expect.poll(async () => result.innerText(), { timeout: 15_000 }).toMatch(/"cause":\s*"SUBSCRIBED"[\s\S]*"balance":\s*"3"/);
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: key.accountId, credits: parseUsd("1.25") });
    await expect.poll(async () => result.innerText(), { timeout: 15_000 }).toMatch(/"(CreditsAdded|BalanceChanged)"[\s\S]*"(credits|balance)":\s*"(1\.25|4\.25)"/);
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
