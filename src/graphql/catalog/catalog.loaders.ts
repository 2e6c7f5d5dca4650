import DataLoader from "dataloader";
import { getProviders, listEndpointsOfModels, listEndpointsOfProviders } from "../../catalog/endpoint-query.js";
import { getModelListings } from "../../catalog/model-query.js";
import type { ModelListing } from "../../catalog/model-query.js";
import type { Database } from "../../db/client.js";
import type { EndpointRow, ProviderRow } from "../../db/schema/index.js";

/** A model listing's endpoints are addressed by model id and variant. */
export interface ListingKey {
  modelId: string;
  variant: string;
}

/**
 * The catalog's DataLoaders for one GraphQL operation: whatever a page of models asks for (endpoints,
 * their providers, a provider's endpoints, an endpoint's model), each kind costs one SQL statement per
 * operation level, not one per model. Created per operation so nothing is cached across callers or changes.
 */
export interface CatalogLoaders {
  /** Endpoints of a listing, cheapest first. */
  endpointsOfListing: DataLoader<ListingKey, EndpointRow[], string>;
  /** Endpoints served by a provider. */
  endpointsOfProvider: DataLoader<string, EndpointRow[]>;
  providerBySlug: DataLoader<string, ProviderRow | undefined>;
  /** A listing by listed id (`author/slug[:free]`). */
  listingById: DataLoader<string, ModelListing | undefined>;
}

function groupBy<K>(rows: EndpointRow[], keyOf: (row: EndpointRow) => K): Map<K, EndpointRow[]> {
  const groups = new Map<K, EndpointRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}

const listingKey = (key: ListingKey) => `${key.modelId}\u0000${key.variant}`;

export function createCatalogLoaders(db: Database): CatalogLoaders {
  return {
    endpointsOfListing: new DataLoader(
      async (keys) => {
        const rows = await listEndpointsOfModels(db, keys.map((key) => key.modelId));
        const groups = groupBy(rows, (row) => listingKey({ modelId: row.modelId, variant: row.variant }));
        return keys.map((key) => groups.get(listingKey(key)) ?? []);
      },
      { cacheKeyFn: listingKey },
    ),
    endpointsOfProvider: new DataLoader(async (slugs) => {
      const groups = groupBy(await listEndpointsOfProviders(db, slugs), (row) => row.providerSlug);
      return slugs.map((slug) => groups.get(slug) ?? []);
    }),
    providerBySlug: new DataLoader((slugs) => getProviders(db, slugs)),
    listingById: new DataLoader((listedIds) => getModelListings(db, listedIds)),
  };
}
