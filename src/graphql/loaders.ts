import type { GatewayServices } from "../app/services.js";
import type { AccountLoaders } from "./accounts/accounts.loaders.js";
import { createAccountLoaders } from "./accounts/accounts.loaders.js";
import type { CatalogLoaders } from "./catalog/catalog.loaders.js";
import { createCatalogLoaders } from "./catalog/catalog.loaders.js";
import { createRateLimitsLoader } from "./limits/rate-limits.loaders.js";
import type { UsageLoaders } from "./usage/usage.loaders.js";
import { createUsageLoaders } from "./usage/usage.loaders.js";

/**
 * Every DataLoader of one GraphQL operation. Feature folders add theirs here; batch functions must return
 * results in key order.
 */
export interface Loaders {
  services: GatewayServices;
  accounts: AccountLoaders;
  catalog: CatalogLoaders;
  rateLimits: ReturnType<typeof createRateLimitsLoader>;
  usage: UsageLoaders;
}

export function createLoaders(services: GatewayServices): Loaders {
  return { services, accounts: createAccountLoaders(services), catalog: createCatalogLoaders(services.database.db), rateLimits: createRateLimitsLoader(services.rateLimitSettings), usage: createUsageLoaders(services.database.db) };
}
