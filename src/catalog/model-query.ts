import { and, arrayContains, arrayOverlaps, asc, count, desc, eq, getTableColumns, gte, ilike, inArray, lte, or, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { formatUsd, parseUsd } from "../billing/money.js";
import { invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { endpoints, models } from "../db/schema/index.js";
import type { EndpointRow, ModelRow } from "../db/schema/index.js";
import type { EndpointVariant } from "./catalog-snapshot.js";
import { splitVariant, toEndpointVariant } from "./catalog-snapshot.js";
import type { ModelListFilter, ModelListSort } from "./model-filter.js";
import { DEFAULT_MODEL_LIST_SORT, assertValidModelFilter, likePattern } from "./model-filter.js";

export type { ModelListFilter, ModelListSort } from "./model-filter.js";
export { DEFAULT_MODEL_LIST_SORT, MODEL_LIST_SORTS, assertValidModelFilter } from "./model-filter.js";

/**
 * The model list as both faces show it, read from the database with a constant number of statements.
 *
 * A listing is a (model, variant) pair: a model with `standard` endpoints is listed as `author/slug`, one with
 * `free` endpoints as `author/slug:free` (all prices zero). Each listing carries its top endpoint: the
 * cheapest by prompt + completion price per token among the variant's endpoints (ties: provider slug), whose
 * prices and limits are the listing's prices and limits, as OpenRouter's `pricing` and `top_provider`.
 *
 * ```ts
 * const { entries, totalCount } = await listModels(db, {
 *   filter: { authors: ["openai"], maxPromptPrice: "0.000001" },
 *   sort: "price_low_to_high",
 *   limit: 20,
 *   offset: 0,
 * });
 * const listing = await getModelListing(db, "meta-llama/llama-3.3-70b-instruct:free");
 * ```
 */

/** Prices as exact decimal strings of USD, without trailing zeros (`"0.0000025"`, `"0"`). Per token unless named. */
export interface ListingPricing {
  /** Per prompt token. */
  prompt: string;
  /** Per completion token. */
  completion: string;
  /** Per request. */
  request: string;
  /** Per input image. */
  image: string;
  /** Per prompt token read from the provider's cache. */
  inputCacheRead: string;
  /** Per prompt token written to the provider's cache. */
  inputCacheWrite: string;
  /** Per internal reasoning token. */
  internalReasoning: string;
}

/** One entry of the model list. */
export interface ModelListing {
  /** The routable id: `author/slug` for standard, `author/slug:free` for free. */
  listedId: string;
  variant: EndpointVariant;
  /** The catalog model, shared by its variants. */
  model: ModelRow;
  /** The longest context among the variant's endpoints: what a caller of `listedId` can use at best. */
  contextLength: number;
  /** How many endpoints serve this listing. */
  endpointCount: number;
  /** The cheapest endpoint of the variant (its prices in the row are raw `numeric` strings; see `pricing`). */
  top: EndpointRow;
  /** The top endpoint's prices, normalised. */
  pricing: ListingPricing;
}

export interface ListModelsOptions {
  filter?: ModelListFilter;
  /** Defaults to {@link DEFAULT_MODEL_LIST_SORT}; the listed id always breaks ties. */
  sort?: ModelListSort;
  /** Page size; absent returns every matching listing (as OpenRouter does when limit and offset are both absent). */
  limit?: number;
  /** Listings to skip; defaults to 0. */
  offset?: number;
}

export interface ModelListPage {
  /** The page, in the requested order. */
  entries: ModelListing[];
  /** How many listings match the filter, ignoring limit and offset. */
  totalCount: number;
}

/**
 * Every endpoint with its rank within its listing (1 = top), and the listing-wide context and endpoint count,
 * computed by window functions so the page query stays one statement whatever the page size.
 */
function rankedEndpoints(db: Database) {
  const listing = sql`partition by ${endpoints.modelId}, ${endpoints.variant}`;
  return db
    .select({
      ...getTableColumns(endpoints),
      rank: sql<number>`row_number() over (${listing} order by ${endpoints.pricePrompt} + ${endpoints.priceCompletion}, ${endpoints.pricePrompt}, ${endpoints.providerSlug})`
        .mapWith(Number)
        .as("listing_rank"),
      listingContextLength: sql<number>`max(${endpoints.contextLength}) over (${listing})`.mapWith(Number).as("listing_context_length"),
      listingEndpointCount: sql<number>`count(*) over (${listing})`.mapWith(Number).as("listing_endpoint_count"),
    })
    .from(endpoints)
    .as("top_endpoint");
}

type RankedEndpoints = ReturnType<typeof rankedEndpoints>;

function listedIdExpression(top: RankedEndpoints): SQL<string> {
  return sql<string>`${models.id} || case when ${top.variant} = 'standard' then '' else ':' || ${top.variant} end`;
}

function filterConditions(top: RankedEndpoints, filter: ModelListFilter): SQL[] {
  const conditions: SQL[] = [];
  const nonEmpty = (values: readonly string[] | undefined): values is readonly string[] => values !== undefined && values.length > 0;
  if (nonEmpty(filter.providers)) {
    const other = endpoints;
    conditions.push(
      sql`exists (select 1 from ${other} where ${other.modelId} = ${models.id} and ${other.variant} = ${top.variant} and ${inArray(other.providerSlug, [...filter.providers])})`,
    );
  }
  if (nonEmpty(filter.authors)) conditions.push(inArray(sql`split_part(${models.id}, '/', 1)`, [...filter.authors]));
  if (nonEmpty(filter.inputModalities)) conditions.push(arrayContains(models.inputModalities, [...filter.inputModalities]));
  if (nonEmpty(filter.outputModalities)) conditions.push(arrayOverlaps(models.outputModalities, [...filter.outputModalities]));
  if (nonEmpty(filter.supportedParameters)) conditions.push(arrayContains(models.supportedParameters, [...filter.supportedParameters]));
  const search = filter.search?.trim();
  if (search !== undefined && search !== "") {
    const pattern = likePattern(search);
    const matches = or(ilike(listedIdExpression(top), pattern), ilike(models.name, pattern), ilike(models.description, pattern));
    if (matches !== undefined) conditions.push(matches);
  }
  if (filter.minPromptPrice !== undefined) conditions.push(gte(top.pricePrompt, filter.minPromptPrice));
  if (filter.maxPromptPrice !== undefined) conditions.push(lte(top.pricePrompt, filter.maxPromptPrice));
  if (filter.maxCompletionPrice !== undefined) conditions.push(lte(top.priceCompletion, filter.maxCompletionPrice));
  if (filter.minContextLength !== undefined) conditions.push(gte(top.listingContextLength, filter.minContextLength));
  if (filter.freeOnly === true) conditions.push(eq(top.variant, "free"));
  return conditions;
}

function orderBy(top: RankedEndpoints, sort: ModelListSort): SQL[] {
  // Byte order ("C"), not the database's locale collation: the tiebreaker must order the same on PGlite and on
  // any Postgres, and the same as a JavaScript string comparison.
  const listedId = sql`${listedIdExpression(top)} collate "C" asc`;
  const price = sql`${top.pricePrompt} + ${top.priceCompletion}`;
  switch (sort) {
    case "price_low_to_high":
      return [asc(price), listedId];
    case "price_high_to_low":
      return [desc(price), listedId];
    case "context_high_to_low":
      return [desc(top.listingContextLength), listedId];
    case "newest":
      return [desc(models.releasedAt), listedId];
    case "name":
      return [asc(models.name), listedId];
    default: {
      const unknown: never = sort;
      throw invalidRequest(`Unknown sort "${String(unknown)}"`, "sort");
    }
  }
}

/** `"0.000002500000"` → `"0.0000025"`. */
function normalise(price: string): string {
  return formatUsd(parseUsd(price));
}

/** An endpoint row's prices as normalised exact decimal strings (the row holds `numeric(30,12)` text). */
export function endpointPricing(row: EndpointRow): ListingPricing {
  return {
    prompt: normalise(row.pricePrompt),
    completion: normalise(row.priceCompletion),
    request: normalise(row.priceRequest),
    image: normalise(row.priceImage),
    inputCacheRead: normalise(row.priceInputCacheRead),
    inputCacheWrite: normalise(row.priceInputCacheWrite),
    internalReasoning: normalise(row.priceInternalReasoning),
  };
}

/** The page statement (without limit/offset/where), shared by the list and the lookups. */
function selectListings(db: Database, top: RankedEndpoints) {
  const { rank: _rank, listingContextLength, listingEndpointCount, ...endpointColumns } = top._.selectedFields;
  return db
    .select({
      model: models,
      top: endpointColumns,
      listedId: listedIdExpression(top),
      contextLength: listingContextLength,
      endpointCount: listingEndpointCount,
    })
    .from(models)
    .innerJoin(top, and(eq(top.modelId, models.id), eq(top.rank, 1)));
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof selectListings>["execute"]>>[number];

function toListing(row: ListingRow): ModelListing {
  const top = row.top as EndpointRow;
  return {
    listedId: row.listedId,
    variant: toEndpointVariant(top.variant),
    model: row.model,
    contextLength: row.contextLength,
    endpointCount: row.endpointCount,
    top,
    pricing: endpointPricing(top),
  };
}

/**
 * One page of the model list and the number of listings matching the filter: exactly two SQL statements (the
 * page and the count), whatever the page size. Throws a 400 (`invalid_request`) for malformed filter values
 * or a negative limit/offset.
 */
export async function listModels(db: Database, options: ListModelsOptions = {}): Promise<ModelListPage> {
  const filter = options.filter ?? {};
  assertValidModelFilter(filter);
  const { limit, offset = 0 } = options;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw invalidRequest("limit must be a non-negative integer", "limit");
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalidRequest("offset must be a non-negative integer", "offset");

  const top = rankedEndpoints(db);
  const where = and(...filterConditions(top, filter));
  const pageQuery = selectListings(db, top)
    .where(where)
    .orderBy(...orderBy(top, options.sort ?? DEFAULT_MODEL_LIST_SORT))
    .offset(offset);
  const countQuery = db
    .select({ total: count() })
    .from(models)
    .innerJoin(top, and(eq(top.modelId, models.id), eq(top.rank, 1)))
    .where(where);
  const [rows, counted] = await Promise.all([limit === undefined ? pageQuery : pageQuery.limit(limit), countQuery]);
  return { entries: rows.map(toListing), totalCount: counted[0]?.total ?? 0 };
}

/**
 * Several listings by listed id (`author/slug` or `author/slug:free`) in one statement, in key order:
 * `undefined` where no such model or variant exists (including unknown suffixes such as `:nitro`). This is
 * the batch function behind GraphQL's listing DataLoader.
 */
export async function getModelListings(db: Database, listedIds: readonly string[]): Promise<Array<ModelListing | undefined>> {
  const wanted = listedIds.flatMap((listedId) => {
    const { baseId, variant } = splitVariant(listedId);
    return variant === undefined ? [] : [{ baseId, variant }];
  });
  if (wanted.length === 0) return listedIds.map(() => undefined);
  const top = rankedEndpoints(db);
  const rows = await selectListings(db, top).where(
    or(...wanted.map(({ baseId, variant }) => and(eq(models.id, baseId), eq(top.variant, variant)))),
  );
  const byId = new Map(rows.map((row) => [row.listedId, toListing(row)]));
  return listedIds.map((listedId) => byId.get(listedId));
}

/** One listing by listed id, or undefined when the model or the variant does not exist. One statement. */
export async function getModelListing(db: Database, listedId: string): Promise<ModelListing | undefined> {
  const [listing] = await getModelListings(db, [listedId]);
  return listing;
}
