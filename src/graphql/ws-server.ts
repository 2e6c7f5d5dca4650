import type { Server } from "node:http";
import type { GraphQLSchema } from "graphql";
import { GraphQLError, parse, specifiedRules, validate } from "graphql";

import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { GatewayServices } from "../app/services.js";
import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../core/errors.js";
import { operationContext } from "./context.js";
import { assertComplexity, depthLimitRule } from "./query-limits.js";

/** What `onConnect` learned about the socket, kept for the socket's lifetime. */
type SocketExtra = {
  principal: Principal | null;
};

/** The Authorization value from connection_init: `{ Authorization: "Bearer ..." }` or `{ authorization }`. */
function authorizationFrom(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === "string" ? value : undefined;
}

export interface GraphQLWebSocketServer {
  /** Closes every socket with 1001 (going away) and stops accepting. */
  close(): Promise<void>;
}

/**
 * graphql-ws on the same port and path as HTTP GraphQL. Authentication happens once, in `onConnect`, from the
 * `connection_init` payload; a bad key closes the socket with 4403. A missing key is allowed for public
 * subscriptions, which the auth checker then guards field by field. Every operation gets fresh DataLoaders.
 */
export function startGraphQLWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: GatewayServices;
}): GraphQLWebSocketServer {
  const { config } = options.services;
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: "/graphql" });
  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema: options.schema,
      onConnect: async (context) => {
        try {
          context.extra.principal = await options.services.authenticate(authorizationFrom(context.connectionParams));
          return true;
        } catch (error) {
          if (error instanceof GatewayError && error.status === 401) return false;
          throw error;
        }
      },
      onSubscribe: (context, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("Syntax error")];
        }
        const errors = validate(options.schema, document, [...specifiedRules, depthLimitRule(config.GRAPHQL_MAX_DEPTH)]);
        if (errors.length > 0) return errors;
        try {
          assertComplexity({
            schema: options.schema,
            document,
            operationName: payload.operationName,
            variables: payload.variables ?? {},
            maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
          });
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const contextValue = operationContext(options.services, context.extra.principal ?? null);
        return { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
    },
    webSocketServer,
  );
  return {
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => webSocketServer.close(() => resolve()));
    },
  };
}

