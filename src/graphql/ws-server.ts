import type { Server } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { GraphQLError, getOperationAST, parse, specifiedRules, validate } from "graphql";
import { WebSocketServer } from "ws";
import type { GatewayServices } from "../app/services.js";
import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../core/errors.js";
import { operationContext } from "./context.js";
import { formatGraphQLError } from "./format-error.js";
import { assertVariables, operationLimits, operationRefused, preflightDocument } from "./operation-guard.js";
import { assertComplexity } from "./query-limits.js";
import type { WebSocketExtra } from "./ws-adapter.js";
import { serveGraphQLWebSockets } from "./ws-adapter.js";

/** What `onConnect` learned about the socket, kept for the socket's lifetime. */
interface SocketExtra extends WebSocketExtra {
  principal: Principal | null;
  /** Ids of this socket's operations that are subscriptions (streams of results), counted as open until they complete. */
  subscriptions: Set<string>;
}

/** Largest WebSocket frame accepted; `ws` closes the socket with 1009 (message too big) beyond it. */
const MAX_FRAME_BYTES = 1024 * 1024;

/** The Authorization value from connection_init: `{ Authorization: "Bearer ..." }` or `{ authorization }`. */
function authorizationFrom(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === "string" ? value : undefined;
}

/** Errors as the client sees them: through the one formatter HTTP uses, without Apollo's `http` extension. */
function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = formatGraphQLError(error.toJSON(), error);
    if (formatted.extensions?.http === undefined) return formatted;
    const { http: _http, ...extensions } = formatted.extensions;
    return { ...formatted, extensions };
  });
}

/** The operation guard's refusals and graphql-js's own parse and validation errors, each with a code. */
function admit(options: { schema: GraphQLSchema; services: GatewayServices; principal: Principal | null; query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) {
  const limits = operationLimits(options.services.config, options.principal);
  let document = preflightDocument(options.query, limits);
  if (document === undefined) {
    try {
      document = parse(options.query);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw operationRefused(error.message, { code: "GRAPHQL_PARSE_FAILED" });
    }
  }
  const errors = validate(options.schema, document, specifiedRules);
  if (errors.length > 0) {
    return { errors: errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...error.extensions } })) };
  }
  const operation = getOperationAST(document, options.operationName);
  if (operation === null || operation === undefined) {
    throw operationRefused(options.operationName ? `Unknown operation named "${options.operationName}"` : "Must provide operation name if query contains multiple operations", {
      code: "OPERATION_RESOLUTION_FAILURE",
    });
  }
  assertVariables(options.schema, operation, options.variables);
  assertComplexity({ schema: options.schema, document, operationName: options.operationName, variables: options.variables ?? {}, maxComplexity: limits.maxComplexity });
  return { document };
}

export interface GraphQLWebSocketServer {
  /** Closes every socket with 1001 (going away) and stops accepting. */
  close(): Promise<void>;
}

/**
 * graphql-ws on the same port and path as HTTP GraphQL. Authentication happens once, in `onConnect`, from the
 * `connection_init` payload; a bad or refused key closes the socket with 4403. A missing key is allowed for
 * public subscriptions, which the auth checker then guards field by field. Every operation passes the same
 * guard as HTTP (tokens, shape, validation, variables, complexity, anonymous limits tighter) and gets fresh
 * DataLoaders; every error sent is formatted like HTTP's, with `extensions.code`.
 */
export function startGraphQLWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: GatewayServices;
  logger: FastifyBaseLogger;
}): GraphQLWebSocketServer {
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: MAX_FRAME_BYTES });
  const served = serveGraphQLWebSockets<Record<string, unknown>, SocketExtra>({
    webSocketServer,
    logger: options.logger,
    extra: (socket, request) => ({ socket, request, principal: null, subscriptions: new Set() }),
    server: {
      schema: options.schema,
      onConnect: async (context) => {
        try {
          context.extra.principal = await options.services.authenticate(authorizationFrom(context.connectionParams));
          return true;
        } catch (error) {
          if (error instanceof GatewayError && (error.status === 401 || error.status === 403)) return false;
          throw error;
        }
      },
      onSubscribe: (context, _id, payload) => {
        const principal = context.extra.principal;
        try {
          const admitted = admit({ schema: options.schema, services: options.services, principal, ...payload });
          if (admitted.errors !== undefined) return admitted.errors;
          const contextValue = operationContext(options.services, principal);
          return { schema: options.schema, document: admitted.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      // A subscription's result is a stream; graphql-ws calls onComplete for it however it ends (client's
      // complete, the stream's end, the socket's close), so the gauge comes back down every time.
      onOperation: (context, id, _payload, _args, result) => {
        if (Symbol.asyncIterator in result) {
          context.extra.subscriptions.add(id);
          options.services.metrics.subscriptionOpened();
        }
        return undefined;
      },
      onComplete: (context, id) => {
        if (context.extra.subscriptions.delete(id)) options.services.metrics.subscriptionClosed();
      },
      onError: (_context, _id, _payload, errors) => formatErrors(errors),
      onNext: (_context, _id, _payload, _args, result) => (result.errors === undefined ? undefined : { ...result, errors: formatErrors(result.errors) }),
    },
  });
  return { close: () => served.dispose() };
}
