import type { GatewayServices } from "../app/services.js";

/**
 * Every DataLoader of one GraphQL operation. Feature folders add theirs here; batch functions must return
 * results in key order.
 */
export interface Loaders {
  services: GatewayServices;
}

export function createLoaders(services: GatewayServices): Loaders {
  return { services };
}
