import type { LedgerPage } from "../../billing/ledger-queries.js";
import { PageInfo } from "../catalog/page-info.type.js";
import { LedgerEntry, LedgerEntryConnection, LedgerEntryEdge } from "./ledger-entry.type.js";

/** Default and largest `first` of ledger pages. */
export const DEFAULT_LEDGER_PAGE = 50;
export const MAX_LEDGER_PAGE_GRAPHQL = 200;

/** Complexity of a ledger page: `first` entries times their selection. */
export function ledgerComplexity({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number {
  const first = typeof args.first === "number" ? args.first : DEFAULT_LEDGER_PAGE;
  return 1 + Math.min(Math.max(first, 0), MAX_LEDGER_PAGE_GRAPHQL) * childComplexity;
}

export function toLedgerConnection(page: LedgerPage, after: string | null | undefined): LedgerEntryConnection {
  const edges = page.entries.map((row) => Object.assign(new LedgerEntryEdge(), { cursor: String(row.id), node: LedgerEntry.from(row) }));
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: after !== undefined && after !== null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  });
  return Object.assign(new LedgerEntryConnection(), { edges, pageInfo });
}
