import "uplot/dist/uPlot.min.css";
import "./dashboard.css";
import { renderDayChart } from "./charts.js";
import { cell, countText, msText, usdAxis, usdText } from "./format.js";
import { renderGenerationsTable, showGenerationDetail } from "./generations-table.js";
import { DashboardQueryError, runQuery } from "./graphql-client.js";
import { startLiveUpdates } from "./live-updates.js";
import type { AccountView, GenerationNode, UsageRow } from "./queries.js";
import { ACCOUNT, GENERATIONS, OPERATOR_ACCOUNTS, SIGN_IN, USAGE } from "./queries.js";
import { decimalForChart, lastDays, pivotByDay } from "./usage-series.js";

/** Where the key is kept between reloads of this tab (never in localStorage: it dies with the tab). */
const KEY_STORAGE = "llm-gateway-dashboard-key";

interface Session {
  key: string;
  /** The API key's account; null for the management key, which sees every account. */
  accountId: string | null;
  who: string;
  stopLive: () => void;
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

let session: Session | undefined;

/** The account the page shows: the key's own, or the operator's choice ("" for every account). */
function selectedAccountId(): string | null {
  if (session === undefined) return null;
  if (session.accountId !== null) return session.accountId;
  const choice = element<HTMLSelectElement>("account").value;
  return choice === "" ? null : choice;
}

/**
 * The account to name in usage and generation filters: only an operator's choice. An API key's queries are
 * scoped to its account by the API itself, so they name none.
 */
function filterAccountId(): string | null {
  return session?.accountId === null ? selectedAccountId() : null;
}

function usageFilter(): Record<string, unknown> {
  const days = Number(element<HTMLSelectElement>("period").value);
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days + 1));
  const accountId = filterAccountId();
  return { from: from.toISOString(), to: now.toISOString(), ...(accountId === null ? {} : { accountId }) };
}

function panelError(container: HTMLElement, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  container.append(cell("p", `${what} could not be loaded: ${message}`, "error"));
}

async function renderAccount(key: string): Promise<void> {
  const summary = element("summary");
  const keys = element("keys");
  summary.replaceChildren();
  keys.replaceChildren(cell("h2", "Keys and limits"));
  const accountId = selectedAccountId();
  if (accountId === null) {
    summary.append(cell("p", "Every account: choose one to see its balance and keys.", "empty"));
    keys.hidden = true;
    return;
  }
  keys.hidden = false;
  try {
    const { account } = await runQuery<{ account: AccountView }>(key, ACCOUNT, { id: accountId });
    const cards: Array<[string, string]> = [
      ["Balance", usdText(account.balance.balance)],
      ["Available", usdText(account.balance.available)],
      ["Reserved", usdText(account.balance.reserved)],
      ["Spent in total", usdText(account.balance.totalUsage)],
    ];
    for (const [title, value] of cards) {
      const card = cell("div", "", "card");
      card.append(cell("span", title, "card-title"), cell("strong", value, "card-value"));
      summary.append(card);
    }
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const title of ["Key", "Name", "Limit", "Remaining", "Resets", "Today", "This month", "Total", "State"]) head.append(cell("th", title));
    table.createTHead().append(head);
    const body = table.createTBody();
    for (const apiKey of account.keys) {
      const row = document.createElement("tr");
      row.append(
        cell("td", apiKey.label),
        cell("td", apiKey.name),
        cell("td", usdText(apiKey.limit), "number"),
        cell("td", usdText(apiKey.limitRemaining), "number"),
        cell("td", apiKey.limitReset?.toLowerCase() ?? "never"),
        cell("td", usdText(apiKey.usage.daily), "number"),
        cell("td", usdText(apiKey.usage.monthly), "number"),
        cell("td", usdText(apiKey.usage.total), "number"),
        cell("td", apiKey.disabled ? "disabled" : "active"),
      );
      body.append(row);
    }
    keys.append(table);
  } catch (error) {
    panelError(summary, "The balance", error);
  }
}

async function renderCharts(key: string): Promise<void> {
  const charts = element("charts");
  charts.replaceChildren();
  const filter = usageFilter();
  const days = lastDays(Number(element<HTMLSelectElement>("period").value));
  try {
    const [byModel, byDay, byProvider] = await Promise.all([
      runQuery<{ usage: UsageRow[] }>(key, USAGE, { filter, groupBy: ["DAY", "MODEL"] }),
      runQuery<{ usage: UsageRow[] }>(key, USAGE, { filter, groupBy: ["DAY"] }),
      runQuery<{ usage: UsageRow[] }>(key, USAGE, { filter, groupBy: ["DAY", "PROVIDER"] }),
    ]);
    const model = (row: UsageRow) => row.model ?? "(unknown)";
    renderDayChart(charts, {
      id: "spend",
      title: "Spend per day by model (USD)",
      series: pivotByDay(byModel.usage, { seriesOf: model, valueOf: (row) => decimalForChart(row.cost), missing: 0, days }),
      format: usdAxis,
    });
    renderDayChart(charts, {
      id: "tokens",
      title: "Tokens per day by model (prompt + completion)",
      series: pivotByDay(byModel.usage, { seriesOf: model, valueOf: (row) => row.promptTokens + row.completionTokens, missing: 0, days }),
      format: countText,
    });
    const requests = pivotByDay(byDay.usage, { seriesOf: () => "requests", valueOf: (row) => row.requests, missing: 0, days });
    const errors = pivotByDay(byDay.usage, { seriesOf: () => "errors", valueOf: (row) => row.errors, missing: 0, days });
    renderDayChart(charts, {
      id: "requests",
      title: "Requests and errors per day",
      series: { days: requests.days, names: [...requests.names, ...errors.names], columns: [...requests.columns, ...errors.columns] },
      format: countText,
    });
    const errorRate = pivotByDay(byDay.usage, { seriesOf: () => "error rate %", valueOf: (row) => (row.requests === 0 ? 0 : (100 * row.errors) / row.requests), missing: 0, days });
    renderDayChart(charts, { id: "error-rate", title: "Error rate per day (%)", series: errorRate, format: (value) => `${value.toFixed(1)}%` });
    renderDayChart(charts, {
      id: "latency",
      title: "Latency p95 per day by provider",
      series: pivotByDay(byProvider.usage, { seriesOf: (row) => row.provider ?? "(unknown)", valueOf: (row) => row.latencyP95Ms, missing: null, days }),
      format: msText,
    });
  } catch (error) {
    panelError(charts, "Usage", error);
  }
}

async function renderGenerations(key: string): Promise<void> {
  const container = element("generations");
  const model = element<HTMLInputElement>("filter-model").value.trim();
  const provider = element<HTMLInputElement>("filter-provider").value.trim();
  const accountId = filterAccountId();
  const filter = { ...(model === "" ? {} : { models: [model] }), ...(provider === "" ? {} : { providers: [provider] }), ...(accountId === null ? {} : { accountId }) };
  try {
    const { generations } = await runQuery<{ generations: { edges: Array<{ node: GenerationNode }> } }>(key, GENERATIONS, { filter, first: 50 });
    renderGenerationsTable(
      container,
      generations.edges.map((edge) => edge.node),
      (generation) => showGenerationDetail(element<HTMLDialogElement>("generation-detail"), generation),
    );
  } catch (error) {
    container.replaceChildren();
    panelError(container, "Generations", error);
  }
}

async function refresh(): Promise<void> {
  if (session === undefined) return;
  const { key } = session;
  await Promise.all([renderAccount(key), renderCharts(key), renderGenerations(key)]);
  document.body.dataset.loaded = "true";
}

/** Every account, a page of 100 (the API's largest) at a time. */
async function everyAccount(key: string): Promise<Array<{ id: string; name: string }>> {
  const accounts: Array<{ id: string; name: string }> = [];
  for (;;) {
    const page = await runQuery<{ accounts: Array<{ id: string; name: string }> }>(key, OPERATOR_ACCOUNTS, { offset: accounts.length });
    accounts.push(...page.accounts);
    if (page.accounts.length < 100) return accounts;
  }
}

/** (Re)subscribes to the shown account's events: on sign-in, and when an operator picks another account. */
async function restartLiveUpdates(): Promise<void> {
  if (session === undefined) return;
  session.stopLive();
  session.stopLive = () => {};
  const status = element("live");
  const operatorChoice = session.accountId === null ? selectedAccountId() : null;
  if (session.accountId === null && operatorChoice === null) {
    status.textContent = "Live updates: choose an account";
    return;
  }
  const live = await startLiveUpdates(session.key, operatorChoice, () => void refresh()).catch(() => ({ status: "Live updates: unavailable", stop: () => {} }));
  session.stopLive = live.stop;
  status.textContent = live.status;
}

async function signIn(key: string): Promise<void> {
  const errorLine = element("sign-in-error");
  errorLine.textContent = "";
  try {
    const who = await runQuery<{ viewer: { id: string; name: string } | null; currentKey: { label: string } | null }>(key, SIGN_IN);
    const accountSelect = element<HTMLSelectElement>("account");
    if (who.viewer === null) {
      const accounts = await everyAccount(key);
      const all = cell("option", "All accounts") as HTMLOptionElement;
      all.value = "";
      accountSelect.replaceChildren(all, ...accounts.map((account) => Object.assign(cell("option", account.name) as HTMLOptionElement, { value: account.id })));
      accountSelect.hidden = false;
    } else accountSelect.hidden = true;
    session = {
      key,
      accountId: who.viewer?.id ?? null,
      who: who.viewer === null ? "Operator (every account)" : `${who.viewer.name} · ${who.currentKey?.label ?? ""}`,
      stopLive: () => {},
    };
    sessionStorage.setItem(KEY_STORAGE, key);
    element("who").textContent = session.who;
    await restartLiveUpdates();
    element("sign-in").hidden = true;
    element("dashboard").hidden = false;
    await refresh();
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    errorLine.textContent = error instanceof DashboardQueryError && error.code === "UNAUTHENTICATED" ? "That key was not accepted." : `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function signOut(): void {
  session?.stopLive();
  session = undefined;
  sessionStorage.removeItem(KEY_STORAGE);
  delete document.body.dataset.loaded;
  element("dashboard").hidden = true;
  element("sign-in").hidden = false;
}

element<HTMLFormElement>("sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  void signIn(element<HTMLInputElement>("api-key").value.trim());
});
element("sign-out").addEventListener("click", signOut);
element("period").addEventListener("change", () => void refresh());
element("account").addEventListener("change", () => {
  void refresh();
  void restartLiveUpdates();
});
element<HTMLFormElement>("generation-filters").addEventListener("submit", (event) => {
  event.preventDefault();
  if (session !== undefined) void renderGenerations(session.key);
});
const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved !== null) void signIn(saved);
