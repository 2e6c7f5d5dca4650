import type { Principal } from "../auth/principal.js";
import type { GatewayServices } from "../app/services.js";
import type { Loaders } from "./loaders.js";
import { createLoaders } from "./loaders.js";

/**
 * The per-operation GraphQL context: services, the caller, and DataLoaders created fresh for each HTTP
 * request or WebSocket operation so batching never leaks data between callers.
 */
export interface GraphQLContext {
  services: GatewayServices;
  principal: Principal | null;
  loaders: Loaders;
}

export async function createGraphQLContext(services: GatewayServices, authorization: string | undefined): Promise<GraphQLContext> {
  const principal = await services.authenticate(authorization);
  return { services, principal, loaders: createLoaders(services) };
}
