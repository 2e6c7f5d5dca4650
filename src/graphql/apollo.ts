import { ApolloServer } from "@apollo/server";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { GatewayServices } from "../app/services.js";
import type { GraphQLContext } from "./context.js";
import { formatGraphQLError } from "./format-error.js";
import { playgroundLandingPagePlugin } from "./playground.js";
import { assertComplexity, depthLimitRule } from "./query-limits.js";

/** Applies the complexity limit to every HTTP operation once its document is validated. */
function complexityPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          assertComplexity({ schema, document, operationName: request.operationName, variables: request.variables, maxComplexity });
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
    validationRules: [depthLimitRule(config.GRAPHQL_MAX_DEPTH)],
    formatError: formatGraphQLError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [
      playgroundLandingPagePlugin(),
      complexityPlugin(options.schema, config.GRAPHQL_MAX_COMPLEXITY),
      ...(options.plugins ?? []),
    ],
  });
}
