import { cell, countText, msText, usdText } from "./format.js";
import type { GenerationNode } from "./queries.js";

/**
 * The recent generations table: one row per generation, newest first; clicking a row opens its detail view
 * with every field the API returned.
 */
export function renderGenerationsTable(container: HTMLElement, generations: readonly GenerationNode[], onSelect: (generation: GenerationNode) => void): void {
  container.replaceChildren();
  if (generations.length === 0) {
    container.append(cell("p", "No generations match these filters.", "empty"));
    return;
  }
  const table = document.createElement("table");
  table.className = "generations";
  const head = document.createElement("tr");
  for (const title of ["Time", "Model", "Provider", "Key", "Tokens in", "Tokens out", "Cost", "Latency", "Finish"]) head.append(cell("th", title));
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const generation of generations) {
    const row = document.createElement("tr");
    row.dataset.generationId = generation.id;
    row.tabIndex = 0;
    row.append(
      cell("td", new Date(generation.createdAt).toISOString().replace("T", " ").slice(0, 19)),
      cell("td", generation.model),
      cell("td", generation.provider?.name ?? generation.providerSlug ?? "—"),
      cell("td", generation.key?.name ?? generation.key?.label ?? "—"),
      cell("td", countText(generation.promptTokens), "number"),
      cell("td", countText(generation.completionTokens), "number"),
      cell("td", usdText(generation.cost), "number"),
      cell("td", msText(generation.latencyMs), "number"),
      cell("td", generation.cancelled ? "cancelled" : generation.error !== null ? "error" : (generation.finishReason ?? "—")),
    );
    row.addEventListener("click", () => onSelect(generation));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") onSelect(generation);
    });
    body.append(row);
  }
  container.append(table);
}

/** The detail view of one generation: every field, as a definition list, in a dialog. */
export function showGenerationDetail(dialog: HTMLDialogElement, generation: GenerationNode): void {
  const list = document.createElement("dl");
  const facts: Array<[string, string]> = [
    ["Generation", generation.id],
    ["Created", generation.createdAt],
    ["Model", generation.model],
    ["Provider", generation.provider === null ? (generation.providerSlug ?? "—") : `${generation.provider.name} (${generation.providerSlug ?? ""})`],
    ["Key", generation.key === null ? "—" : `${generation.key.name} · ${generation.key.label}`],
    ["Status", generation.status],
    ["Streamed", generation.streamed ? "yes" : "no"],
    ["Prompt tokens", countText(generation.promptTokens)],
    ["Completion tokens", countText(generation.completionTokens)],
    ["Reasoning tokens", countText(generation.reasoningTokens)],
    ["Cached tokens", countText(generation.cachedTokens)],
    ["Cost", usdText(generation.cost)],
    ["Latency", msText(generation.latencyMs)],
    ["Generation time", msText(generation.generationTimeMs)],
    ["Finish reason", generation.finishReason ?? "—"],
    ["Cancelled", generation.cancelled ? "yes" : "no"],
    ["Error", generation.error ?? "—"],
  ];
  for (const [term, value] of facts) list.append(cell("dt", term), cell("dd", value));
  const close = cell("button", "Close");
  close.addEventListener("click", () => dialog.close());
  dialog.replaceChildren(cell("h2", "Generation"), list, close);
  dialog.showModal();
}
