import { ApolloServer } from "@apollo/server";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { GatewayServices } from "../app/services.js";
import type { GraphQLContext } from "./context.js";
import { formatGraphQLError } from "./format-error.js";
import { createGraphQLContext } from "./context.js";
import { assertNotSubscription, assertVariables, operationLimits, preflightDocument } from "./operation-guard.js";
import { playgroundLandingPagePlugin } from "./playground.js";
import { assertComplexity } from "./query-limits.js";

/** The GraphQL source of an HTTP request: `query` of a POST body or of a GET's query string. */
function sourceOf(request: { body: unknown; query: unknown }): string | undefined {
  for (const holder of [request.body, request.query]) {
    if (typeof holder === "object" && holder !== null && typeof (holder as { query?: unknown }).query === "string") return (holder as { query: string }).query;
  }
  return undefined;
}

/**
 * The HTTP request's context, once the caller is known and the document passed the checks that come before
 * validation (tokens, shape: see operation-guard.ts). They run here because Apollo answers 500 for anything a
 * plugin throws before `didResolveOperation`, while an error thrown creating the context keeps its
 * `extensions.http.status` (400). Apollo parses the document again: parsing is linear, validation is not.
 */
export async function createGuardedContext(services: GatewayServices, request: { headers: { authorization?: string }; body: unknown; query: unknown }): Promise<GraphQLContext> {
  const context = await createGraphQLContext(services, request.headers.authorization);
  const source = sourceOf(request);
  if (source !== undefined) preflightDocument(source, operationLimits(services.config, context.principal));
  return context;
}

/** Refuses, once the operation is known: subscriptions over HTTP, wrong variables, too complex operations. */
function operationGuardPlugin(schema: GraphQLSchema, services: GatewayServices): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const limits = operationLimits(services.config, contextValue.principal);
      return {
        async didResolveOperation({ request, document, operation }) {
          if (operation === undefined) return;
          assertNotSubscription(operation);
          assertVariables(schema, operation, request.variables);
          assertComplexity({ schema, document, operationName: request.operationName, variables: request.variables, maxComplexity: limits.maxComplexity });
        },
      };
    },
  };
}

/** Apollo Server for `/graphql` over HTTP, with limits, error formatting and the playground. */
export function createApolloServer(options: {
  schema: GraphQLSchema;
  services: GatewayServices;
  plugins?: ApolloServerPlugin<GraphQLContext>[];
}): ApolloServer<GraphQLContext> {
  const { config } = options.services;
  return new ApolloServer<GraphQLContext>({
    schema: options.schema,
    // A backstop: createGuardedContext counts tokens first, with the caller's own (lower or equal) limit.
    parseOptions: { maxTokens: Math.max(config.GRAPHQL_MAX_TOKENS, config.GRAPHQL_ANONYMOUS_MAX_TOKENS) },
    formatError: formatGraphQLError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [playgroundLandingPagePlugin(), operationGuardPlugin(options.schema, options.services), ...(options.plugins ?? [])],
  });
}
