import type { ModelListPage } from "../../catalog/model-query.js";
import { invalidRequest } from "../../core/errors.js";
import { Model } from "./model.type.js";
import { ModelConnection, ModelEdge } from "./model-connection.type.js";
import { DEFAULT_MODELS_PAGE, MAX_MODELS_PAGE } from "./models.args.js";
import { PageInfo } from "./page-info.type.js";

/**
 * Relay paging over `listModels`' offset paging. A cursor is the position of an edge in the ordered,
 * filtered list, wrapped so clients treat it as opaque; it is meaningful with the same filter and sort that
 * produced it. Positions (rather than keyset values) keep every sort, including computed prices, one code path;
 * the listed-id tiebreaker makes positions stable while the catalog does not change.
 */

const CURSOR_PREFIX = "models:";

export function encodeModelCursor(position: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`, "utf8").toString("base64url");
}

/** The position a cursor names; BAD_USER_INPUT (field `after`) when it is not one of ours. */
export function decodeModelCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const position = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !Number.isSafeInteger(position) || position < 0) {
    throw invalidRequest("`after` is not a cursor returned by `models`", "after");
  }
  return position;
}

/** limit/offset for `first`/`after`, refusing a page size outside 0..MAX_MODELS_PAGE. */
export function pageWindow(args: { first?: number | null; after?: string | null }): { limit: number; offset: number } {
  const first = args.first ?? DEFAULT_MODELS_PAGE;
  if (!Number.isSafeInteger(first) || first < 0 || first > MAX_MODELS_PAGE) {
    throw invalidRequest(`\`first\` must be between 0 and ${MAX_MODELS_PAGE}`, "first", { max: MAX_MODELS_PAGE });
  }
  const offset = args.after === undefined || args.after === null ? 0 : decodeModelCursor(args.after) + 1;
  return { limit: first, offset };
}

export function toModelConnection(page: ModelListPage, offset: number): ModelConnection {
  const edges = page.entries.map((listing, index) =>
    Object.assign(new ModelEdge(), { cursor: encodeModelCursor(offset + index), node: Model.from(listing) }),
  );
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: offset + edges.length < page.totalCount,
    hasPreviousPage: offset > 0,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  });
  return Object.assign(new ModelConnection(), { edges, pageInfo, totalCount: page.totalCount });
}
