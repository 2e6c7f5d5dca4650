import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { GatewayError } from "../core/errors.js";

/**
 * The single place GraphQL errors get their `extensions.code`: a GatewayError thrown by any resolver keeps
 * its kind and metadata (the same table as REST statuses); type-graphql's argument validation becomes
 * BAD_USER_INPUT; any other unexpected error is masked. GraphQL's own parse and validation errors pass through.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof GatewayError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.graphqlCode, status: original.status, errorType: original.kind, ...original.metadata },
    };
  }
  if (original instanceof GraphQLError && original !== error && typeof original.extensions.code === "string") {
    // Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED; our own rules (the depth limit's
    // QUERY_TOO_DEEP) carry a more precise code, which graphql-ws clients already see. Keep it.
    return { ...formatted, extensions: { ...formatted.extensions, ...original.extensions } };
  }
  if (original instanceof Error && original.name === "ArgumentValidationError") {
    return { ...formatted, extensions: { ...formatted.extensions, code: "BAD_USER_INPUT" } };
  }
  if (formatted.extensions?.code === "INTERNAL_SERVER_ERROR") {
    return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  }
  return formatted;
}
