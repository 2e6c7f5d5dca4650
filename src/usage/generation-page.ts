import { and, desc, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { generations } from "../db/schema/index.js";
import type { GenerationRow } from "../db/schema/index.js";
import type { ScopedUsageFilter } from "./usage-filter.js";

/** Generations per page when `first` is not given, and the most a page may hold. */
export const DEFAULT_GENERATIONS_PAGE = 20;
export const MAX_GENERATIONS_PAGE = 100;

/** A page of generations, newest first, and whether more follow. */
export interface GenerationPage {
  rows: Array<{ row: GenerationRow; cursor: string }>;
  hasNextPage: boolean;
}

const CURSOR_PREFIX = "gen:";

/**
 * A cursor is the row's creation time in microseconds since the epoch (exact: Postgres keeps microseconds, a JS
 * Date only milliseconds) and its id, so paging is a keyset seek on (created_at, id) that stays right while
 * new generations arrive.
 */
function encodeCursor(micros: string, id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${micros}|${id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { micros: string; id: string } {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^gen:(-?\d{1,20})\|(.+)$/.exec(text);
  if (match === null) throw invalidRequest("`after` is not a cursor returned by `generations`", "after");
  return { micros: match[1] ?? "0", id: match[2] ?? "" };
}

function conditions(filter: ScopedUsageFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.accountId !== undefined) where.push(eq(generations.accountId, filter.accountId));
  if (filter.from !== undefined) where.push(gte(generations.createdAt, filter.from));
  if (filter.to !== undefined) where.push(lt(generations.createdAt, filter.to));
  if (filter.keys !== undefined) where.push(filter.keys.length === 0 ? sql`false` : inArray(generations.keyHash, [...filter.keys]));
  if (filter.models !== undefined) where.push(filter.models.length === 0 ? sql`false` : inArray(generations.model, [...filter.models]));
  if (filter.providers !== undefined) where.push(filter.providers.length === 0 ? sql`false` : inArray(generations.providerSlug, [...filter.providers]));
  return where;
}

/** One page of generation records matching `filter`, newest first; one statement. */
export async function pageGenerations(db: Database, options: { filter: ScopedUsageFilter; first: number | undefined; after: string | null | undefined }): Promise<GenerationPage> {
  const first = options.first ?? DEFAULT_GENERATIONS_PAGE;
  if (!Number.isSafeInteger(first) || first < 0 || first > MAX_GENERATIONS_PAGE) {
    throw invalidRequest(`\`first\` must be between 0 and ${MAX_GENERATIONS_PAGE}`, "first", { max: MAX_GENERATIONS_PAGE });
  }
  const where = conditions(options.filter);
  if (options.after !== undefined && options.after !== null) {
    const { micros, id } = decodeCursor(options.after);
    const at = sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;
    const seek = or(lt(generations.createdAt, at), and(eq(generations.createdAt, at), lt(generations.id, id)));
    if (seek !== undefined) where.push(seek);
  }
  const micros = sql<string>`(extract(epoch from ${generations.createdAt}) * 1000000)::bigint::text`;
  const rows = await db
    .select({ row: generations, micros })
    .from(generations)
    .where(where.length === 0 ? undefined : and(...where))
    .orderBy(desc(generations.createdAt), desc(generations.id))
    .limit(first + 1);
  return {
    rows: rows.slice(0, first).map(({ row, micros: at }) => ({ row, cursor: encodeCursor(at, row.id) })),
    hasNextPage: rows.length > first,
  };
}
