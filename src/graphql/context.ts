import { GraphQLError } from "graphql";
import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../core/errors.js";
import type { GatewayServices } from "../app/services.js";
import type { Loaders } from "./loaders.js";
import type { SocketStreams } from "./stream-slots.js";
import { createLoaders } from "./loaders.js";

/**
 * The per-operation GraphQL context: services, the caller, and DataLoaders created fresh for each HTTP
 * request or WebSocket operation so batching never leaks data between callers.
 */
export interface GraphQLContext {
  services: GatewayServices;
  principal: Principal | null;
  loaders: Loaders;
  /** On a WebSocket: the socket's streaming operations (their caps, and their abort when it closes). */
  socketStreams?: SocketStreams;
}

/**
 * Authenticates the HTTP request. A bad key (unknown, disabled, expired) fails the whole request with its
 * status (401): Apollo answers 500 for anything thrown here unless it is a GraphQLError carrying
 * `extensions.http`, and `formatGraphQLError` still sees the GatewayError as the original error.
 */
export async function createGraphQLContext(services: GatewayServices, authorization: string | undefined): Promise<GraphQLContext> {
  let principal: Principal | null;
  try {
    principal = await services.authenticate(authorization);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.graphqlCode, http: { status: error.status } } });
  }
  return operationContext(services, principal);
}

/** The context of one operation for a caller already authenticated (HTTP request, or a socket's connection_init). */
export function operationContext(services: GatewayServices, principal: Principal | null, socketStreams?: SocketStreams): GraphQLContext {
  const context: GraphQLContext = { services, principal, loaders: createLoaders(services) };
  if (socketStreams !== undefined) context.socketStreams = socketStreams;
  return context;
}
