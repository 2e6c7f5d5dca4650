import type { DocumentNode, GraphQLSchema } from "graphql";
import { operationRefused } from "./operation-guard.js";
import { createRequire } from "node:module";

/**
 * graphql-query-complexity's ESM build imports graphql's `.mjs` files, a second copy of graphql next to the
 * CommonJS one that Node resolves for everybody else ("Cannot use GraphQLObjectType from another realm"). Its
 * CommonJS build shares our graphql instance.
 */
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof import("graphql-query-complexity");

/**
 * The complexity limit, computed with graphql-query-complexity (list fields multiply their children by `first`,
 * see `fieldExtensionsEstimator`). It walks the operation with fragments expanded, so it runs only after
 * `assertDocumentShape` (operation-guard.ts) has bounded that expansion, and with variables already coerced.
 */

/** Throws a GraphQLError (HTTP 400, QUERY_TOO_COMPLEX) when the operation's estimated complexity exceeds `maxComplexity`. */
export function assertComplexity(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
  maxComplexity: number;
}): void {
  const complexity = getComplexity({
    schema: options.schema,
    query: options.document,
    operationName: options.operationName ?? undefined,
    variables: options.variables ?? {},
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    // The selection limit already bounds the walk; the library's own node limit would throw an untyped error.
    maxQueryNodes: Number.MAX_SAFE_INTEGER,
  });
  if (complexity > options.maxComplexity) {
    throw operationRefused(`Query is too complex: complexity ${complexity} exceeds the limit of ${options.maxComplexity}`, {
      code: "QUERY_TOO_COMPLEX",
      complexity,
      maxComplexity: options.maxComplexity,
    });
  }
}
