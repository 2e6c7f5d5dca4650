import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { assertInScope, isAccountId, scopeOf } from "../accounts/account-scope.js";
import { invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { ledgerEntries, payments } from "../db/schema/index.js";
import type { LedgerEntryRow, LedgerEntryType, PaymentRow } from "../db/schema/index.js";

/**
 * The read side of the ledger: an account's entries newest first, paged by cursor (the last entry's id), and
 * its payments. Scoped like everything else: a foreign account id is a 404.
 */
export interface LedgerQueries {
  entries(principal: Principal, options: LedgerPageRequest): Promise<LedgerPage>;
  payments(principal: Principal, options: { accountId: string; first: number }): Promise<PaymentRow[]>;
}

export interface LedgerPageRequest {
  accountId: string;
  /** Page size, 1–500. */
  first: number;
  /** Cursor: entries older than this id. */
  after?: string | null;
  types?: readonly LedgerEntryType[];
}

export interface LedgerPage {
  entries: LedgerEntryRow[];
  /** Cursor for the next page; null on the last one. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export const MAX_LEDGER_PAGE = 500;

export function createLedgerQueries(options: { db: Database }): LedgerQueries {
  const { db } = options;
  return {
    async entries(principal, request) {
      assertInScope(scopeOf(principal), request.accountId);
      if (request.first < 1 || request.first > MAX_LEDGER_PAGE) throw invalidRequest(`first must be 1 to ${MAX_LEDGER_PAGE}`, "first");
      if (!isAccountId(request.accountId)) return { entries: [], endCursor: null, hasNextPage: false };
      const conditions: SQL[] = [eq(ledgerEntries.accountId, request.accountId)];
      if (request.after !== undefined && request.after !== null) {
        if (!/^\d+$/.test(request.after)) throw invalidRequest("after is not a valid cursor", "after");
        conditions.push(lt(ledgerEntries.id, Number(request.after)));
      }
      if (request.types !== undefined && request.types.length > 0) conditions.push(inArray(ledgerEntries.type, [...request.types]));
      const rows = await db
        .select()
        .from(ledgerEntries)
        .where(and(...conditions))
        .orderBy(desc(ledgerEntries.id))
        .limit(request.first + 1);
      const hasNextPage = rows.length > request.first;
      const entries = rows.slice(0, request.first);
      const last = entries.at(-1);
      return { entries, hasNextPage, endCursor: hasNextPage && last !== undefined ? String(last.id) : null };
    },

    async payments(principal, request) {
      assertInScope(scopeOf(principal), request.accountId);
      if (!isAccountId(request.accountId)) return [];
      return db
        .select()
        .from(payments)
        .where(eq(payments.accountId, request.accountId))
        .orderBy(desc(payments.createdAt))
        .limit(Math.min(Math.max(request.first, 1), MAX_LEDGER_PAGE));
    },
  };
}
