import type { Server } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import type { DocumentNode, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { GraphQLError, getOperationAST, parse, specifiedRules, validate } from "graphql";
import { WebSocketServer } from "ws";
import type { GatewayServices } from "../app/services.js";
import { BoundedMap } from "../cache/bounded-map.js";
import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../core/errors.js";
import { operationContext } from "./context.js";
import { formatGraphQLError } from "./format-error.js";
import { assertVariables, operationLimits, operationRefused, preflightDocument } from "./operation-guard.js";
import { assertComplexity } from "./query-limits.js";
import { createStreamSlots } from "./stream-slots.js";
import type { SocketStreams } from "./stream-slots.js";
import type { WebSocketExtra } from "./ws-adapter.js";
import { serveGraphQLWebSockets } from "./ws-adapter.js";

/** What `onConnect` learned about the socket, kept for the socket's lifetime. */
interface SocketExtra extends WebSocketExtra {
  principal: Principal | null;
  /** The credential the socket authenticated with, checked again for every operation. */
  authorization: string | undefined;
  /** Its streaming operations: capped, and aborted the moment the socket goes. */
  streams: SocketStreams;
  /** Ids of this socket's operations that are subscriptions (streams of results), counted as open until they complete. */
  subscriptions: Set<string>;
}

/**
 * The Authorization value: from the connection_init payload (`authorization` in any letter case), else from the
 * upgrade request's `Authorization` header (clients that can set headers on the handshake).
 */
function authorizationFrom(params: Readonly<Record<string, unknown>> | undefined, request: WebSocketExtra["request"]): string | undefined {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (name.toLowerCase() === "authorization" && typeof value === "string") return value;
  }
  return request.headers.authorization;
}

/** The key's verdict, as a GraphQL error with its code when it is refused (disabled, deleted, expired since connecting). */
async function authenticateOperation(services: GatewayServices, authorization: string | undefined): Promise<Principal | null | GraphQLError> {
  try {
    return await services.authenticate(authorization);
  } catch (error) {
    if (error instanceof GatewayError) return new GraphQLError(error.message, { originalError: error });
    throw error;
  }
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

/** How many distinct valid documents (per audience) a WebSocket server remembers as already checked. */
const CHECKED_DOCUMENTS = 500;

/** Documents that passed the guard's shape checks and validation, by audience and text. */
type CheckedDocuments = BoundedMap<string, DocumentNode>;

/**
 * The operation guard's refusals and graphql-js's own parse and validation errors, each with a code. A
 * document's text passes the same checks every time (the schema does not change), so a valid one is
 * remembered: validation alone costs about 0.6 ms for the chatCompletion subscription, which would otherwise
 * be added to every stream's time to first token. Variables and complexity depend on the variables, so they
 * are checked for every operation.
 */
function admit(options: {
  schema: GraphQLSchema;
  services: GatewayServices;
  principal: Principal | null;
  checked: CheckedDocuments;
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}) {
  const limits = operationLimits(options.services.config, options.principal);
  const cacheKey = `${limits.audience}\n${options.query}`;
  let document = options.checked.get(cacheKey);
  if (document === undefined) {
    document = preflightDocument(options.query, limits);
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
    options.checked.set(cacheKey, document);
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
  const { config } = options.services;
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: config.GRAPHQL_WS_MAX_PAYLOAD_BYTES });
  const checked: CheckedDocuments = new BoundedMap(CHECKED_DOCUMENTS);
  const slots = createStreamSlots({ perKey: config.GRAPHQL_WS_MAX_STREAMS_PER_KEY, perSocket: config.GRAPHQL_WS_MAX_STREAMS_PER_SOCKET });
  const served = serveGraphQLWebSockets<Record<string, unknown>, SocketExtra>({
    webSocketServer,
    logger: options.logger,
    keepAliveMs: config.GRAPHQL_WS_KEEPALIVE_MS,
    extra: (socket, request) => {
      const streams = slots.forSocket();
      // The upstream of every stream on this socket stops at once when it closes or drops, before graphql-ws
      // gets to each operation (and also for those still waiting for their first token).
      socket.once("close", () => streams.abortAll());
      return { socket, request, principal: null, authorization: undefined, streams, subscriptions: new Set() };
    },
    server: {
      schema: options.schema,
      onConnect: async (context) => {
        try {
          const authorization = authorizationFrom(context.connectionParams, context.extra.request);
          context.extra.principal = await options.services.authenticate(authorization);
          context.extra.authorization = authorization;
          return true;
        } catch (error) {
          if (error instanceof GatewayError && (error.status === 401 || error.status === 403)) return false;
          throw error;
        }
      },
      onSubscribe: async (context, _id, payload) => {
        // A key disabled or deleted since the socket connected starts nothing more (the key cache's TTL bounds how soon).
        const principal = context.extra.principal === null ? null : await authenticateOperation(options.services, context.extra.authorization);
        if (principal instanceof GraphQLError) return [principal];
        try {
          const admitted = admit({ schema: options.schema, services: options.services, principal, checked, ...payload });
          if (admitted.errors !== undefined) return admitted.errors;
          const contextValue = operationContext(options.services, principal, context.extra.streams);
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
