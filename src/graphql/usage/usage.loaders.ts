import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { apiKeys, endpoints } from "../../db/schema/index.js";
import type { EndpointRow } from "../../db/schema/index.js";
import { accountUsageSummaries, keyUsageSummaries } from "../../usage/usage-summaries.js";
import type { UsageFigures } from "../../usage/usage-query.js";

/** What a generation shows of its key. */
export interface KeyFacts {
  hash: string;
  label: string;
  name: string;
  accountId: string | null;
}

/**
 * Per-operation DataLoaders of usage fields: a page of generations resolves its keys and endpoints in one
 * statement each (models and providers go through the catalog loaders), and a list of accounts or keys its
 * usage summaries in one statement. Keys are ids that reached the client through a scoped query.
 */
export interface UsageLoaders {
  keyByHash: DataLoader<string, KeyFacts | undefined>;
  endpointById: DataLoader<number, EndpointRow | undefined>;
  accountSummary: DataLoader<string, UsageFigures | undefined>;
  keySummary: DataLoader<string, UsageFigures | undefined>;
}

export function createUsageLoaders(db: Database): UsageLoaders {
  return {
    keyByHash: new DataLoader(async (hashes) => {
      const rows = await db
        .select({ hash: apiKeys.hash, label: apiKeys.label, name: apiKeys.name, accountId: apiKeys.accountId })
        .from(apiKeys)
        .where(inArray(apiKeys.hash, [...hashes]));
      const byHash = new Map(rows.map((row) => [row.hash, row]));
      return hashes.map((hash) => byHash.get(hash));
    }),
    endpointById: new DataLoader(async (ids) => {
      const rows = await db.select().from(endpoints).where(inArray(endpoints.id, [...ids]));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    }),
    accountSummary: new DataLoader((ids) => accountUsageSummaries(db, ids)),
    keySummary: new DataLoader((hashes) => keyUsageSummaries(db, hashes)),
  };
}
