import type { DocumentNode, GraphQLSchema, ValidationRule } from "graphql";
import { GraphQLError, Kind } from "graphql";
import type { ASTNode, FragmentDefinitionNode, SelectionSetNode } from "graphql";
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
 * Refuses abusive queries before they run: a depth limit (as a validation rule, so it applies to HTTP and
 * WebSocket alike) and a complexity limit computed with graphql-query-complexity (list fields multiply their
 * children by `first`, see `fieldExtensionsEstimator`).
 */

function selectionDepth(selectionSet: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (selectionSet === undefined) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment === undefined || seen.has(name)) continue;
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
}

/** A validation rule refusing operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(node) {
        const depth = selectionDepth(node.selectionSet, fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [node as ASTNode],
              extensions: { code: "QUERY_TOO_DEEP", depth, maxDepth },
            }),
          );
        }
      },
    };
  };
}

/** Throws a GraphQLError when the operation's estimated complexity exceeds `maxComplexity`. */
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
  });
  if (complexity > options.maxComplexity) {
    throw new GraphQLError(`Query is too complex: complexity ${complexity} exceeds the limit of ${options.maxComplexity}`, {
      extensions: { code: "QUERY_TOO_COMPLEX", complexity, maxComplexity: options.maxComplexity },
    });
  }
}
