import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { DASHBOARD_BUNDLE_DIR } from "../cli/build-dashboard-paths.js";
import { notFound } from "../core/errors.js";

/** The bundle's files (built by `npm run build` into dist/dashboard-assets) and their content types. */
const ASSETS: Record<string, string> = {
  "dashboard.js": "text/javascript; charset=utf-8",
  "dashboard.css": "text/css; charset=utf-8",
};

export const DASHBOARD_ASSET_PREFIX = "/dashboard/assets/";

/** Only this origin: the page loads, fetches and connects nowhere else, so it works offline. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>LLM Gateway · Dashboard</title>
<link rel="stylesheet" href="${DASHBOARD_ASSET_PREFIX}dashboard.css" />
</head>
<body>
<main>
  <form id="sign-in">
    <h1>LLM Gateway dashboard</h1>
    <label for="api-key">API key (or the management key, for every account)</label>
    <input id="api-key" name="api-key" type="password" autocomplete="off" required />
    <button type="submit">Sign in</button>
    <p id="sign-in-error" role="alert"></p>
  </form>
  <div id="dashboard" hidden>
    <header>
      <h1>LLM Gateway</h1>
      <span id="who"></span>
      <select id="account" aria-label="Account" hidden></select>
      <select id="period" aria-label="Period">
        <option value="7">Last 7 days</option>
        <option value="30" selected>Last 30 days</option>
        <option value="90">Last 90 days</option>
      </select>
      <span id="live"></span>
      <button id="sign-out" type="button">Sign out</button>
    </header>
    <section id="summary" class="cards"></section>
    <section id="keys" class="panel"></section>
    <div id="charts" class="charts"></div>
    <section class="panel">
      <h2>Recent generations</h2>
      <form id="generation-filters">
        <input id="filter-model" placeholder="model, e.g. openai/gpt-4o-mini" aria-label="Model" />
        <input id="filter-provider" placeholder="provider, e.g. openai" aria-label="Provider" />
        <button type="submit">Filter</button>
      </form>
      <div id="generations"></div>
    </section>
    <dialog id="generation-detail"></dialog>
  </div>
</main>
<script type="module" src="${DASHBOARD_ASSET_PREFIX}dashboard.js"></script>
</body>
</html>`;

/**
 * `GET /dashboard`: the usage dashboard, a static page whose script reads the GraphQL API with the key the
 * user signs in with; and its bundle under `/dashboard/assets/`. A checkout that was not built answers 404
 * for the bundle, saying how to build it.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: { bundleDir?: string } = {}): void {
  const bundleDir = options.bundleDir ?? DASHBOARD_BUNDLE_DIR;
  app.get("/dashboard", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("content-security-policy", CONTENT_SECURITY_POLICY).header("cache-control", "no-cache").send(PAGE),
  );
  app.get<{ Params: { file: string } }>(`${DASHBOARD_ASSET_PREFIX}:file`, async (request, reply) => {
    const type = ASSETS[request.params.file];
    if (type === undefined) throw notFound(`No dashboard asset ${request.params.file}`);
    let body: Buffer;
    try {
      body = await readFile(join(bundleDir, request.params.file));
    } catch {
      throw notFound("The dashboard is not built: run `npm run build`");
    }
    return reply.type(type).header("cache-control", "no-cache").send(body);
  });
}
