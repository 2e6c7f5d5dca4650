import { asc, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { endpoints, providers } from "../db/schema/index.js";
import type { EndpointRow, ProviderRow } from "../db/schema/index.js";

/**
 * Batch reads of endpoints and providers, one statement each whatever the number of keys: the batch functions
 * behind GraphQL's catalog DataLoaders, usable by any face that shows a page of models with their endpoints.
 * Endpoints come cheapest first (prompt + completion per token, then provider slug), the order that makes the
 * first endpoint of a listing its top endpoint (see `model-query.ts`).
 */

const cheapestFirst = [asc(sql`${endpoints.pricePrompt} + ${endpoints.priceCompletion}`), asc(endpoints.pricePrompt), asc(endpoints.providerSlug)];

/** Every endpoint (all variants) of the given models. */
export async function listEndpointsOfModels(db: Database, modelIds: readonly string[]): Promise<EndpointRow[]> {
  if (modelIds.length === 0) return [];
  return db
    .select()
    .from(endpoints)
    .where(inArray(endpoints.modelId, [...new Set(modelIds)]))
    .orderBy(...cheapestFirst);
}

/** Every endpoint served by the given providers. */
export async function listEndpointsOfProviders(db: Database, providerSlugs: readonly string[]): Promise<EndpointRow[]> {
  if (providerSlugs.length === 0) return [];
  return db
    .select()
    .from(endpoints)
    .where(inArray(endpoints.providerSlug, [...new Set(providerSlugs)]))
    .orderBy(asc(endpoints.modelId), asc(endpoints.variant), ...cheapestFirst);
}

/** Providers by slug, in key order; undefined for an unknown slug. */
export async function getProviders(db: Database, slugs: readonly string[]): Promise<Array<ProviderRow | undefined>> {
  if (slugs.length === 0) return [];
  const rows = await db
    .select()
    .from(providers)
    .where(inArray(providers.slug, [...new Set(slugs)]));
  const bySlug = new Map(rows.map((row) => [row.slug, row]));
  return slugs.map((slug) => bySlug.get(slug));
}

/** Every provider, by slug. */
export async function listProviders(db: Database): Promise<ProviderRow[]> {
  return db.select().from(providers).orderBy(asc(providers.slug));
}
