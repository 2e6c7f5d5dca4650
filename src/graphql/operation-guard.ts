import type { DocumentNode, GraphQLSchema, OperationDefinitionNode, VariableDefinitionNode } from "graphql";
import { GraphQLError, Lexer, Source, TokenKind, getVariableValues, parse } from "graphql";
import type { Principal } from "../auth/principal.js";
import type { Config } from "../config/config.js";
import { measureDocument } from "./document-measure.js";

/**
 * The checks every GraphQL operation passes before graphql-js validates or runs it, over HTTP (the Apollo
 * plugin) and graphql-ws (onSubscribe) alike, each linear in the document's size: a token count before parsing,
 * then selections, aliases, depth and fragment cycles measured with each fragment counted once. Only then do
 * validation (super-linear on fragment explosions) and the complexity estimate run, on a document known to be
 * small once expanded. Anonymous callers get tighter size limits than callers with a key.
 * Every refusal is a GraphQLError with `extensions.code` and HTTP status 400.
 */
export interface OperationLimits {
  maxTokens: number;
  maxSelections: number;
  maxAliases: number;
  maxDepth: number;
  maxComplexity: number;
  /** "anonymous" or "authenticated": said in refusals, so a caller knows a key raises the limit. */
  audience: "anonymous" | "authenticated";
}

/** The limits for a caller: anonymous (no key) or authenticated. */
export function operationLimits(config: Config, principal: Principal | null): OperationLimits {
  const anonymous = principal === null;
  return {
    maxTokens: anonymous ? config.GRAPHQL_ANONYMOUS_MAX_TOKENS : config.GRAPHQL_MAX_TOKENS,
    maxSelections: anonymous ? config.GRAPHQL_ANONYMOUS_MAX_SELECTIONS : config.GRAPHQL_MAX_SELECTIONS,
    maxAliases: anonymous ? config.GRAPHQL_ANONYMOUS_MAX_ALIASES : config.GRAPHQL_MAX_ALIASES,
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
    audience: anonymous ? "anonymous" : "authenticated",
  };
}

/** A refusal of the caller's operation: a typed GraphQL error answered with HTTP 400. */
export function operationRefused(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, http: { status: 400 } } });
}

/**
 * Refuses a document of more than `maxTokens` tokens, counting with graphql-js's own lexer and stopping at the
 * limit, so a huge document costs no more than a small one. Syntax errors are left to the parser.
 */
export function assertTokenCount(source: string, limits: OperationLimits): void {
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      tokens += 1;
      if (tokens > limits.maxTokens) {
        throw operationRefused(`Query is too large: more than ${limits.maxTokens} tokens (${limits.audience} limit)`, {
          code: "QUERY_TOO_LARGE",
          limit: "tokens",
          max: limits.maxTokens,
        });
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === "QUERY_TOO_LARGE") throw error;
    // A lexing error: the parser reports it with its location, as GRAPHQL_PARSE_FAILED.
  }
}

/** Refuses fragment cycles and documents too large once expanded (selections, aliases) or too deep. */
export function assertDocumentShape(document: DocumentNode, limits: OperationLimits): void {
  const cap = Math.max(limits.maxSelections, limits.maxAliases, limits.maxDepth) + 1;
  const measure = measureDocument(document, cap);
  if (measure.cycle !== undefined) {
    throw operationRefused(`Cannot spread fragment "${measure.cycle}" within itself`, { code: "GRAPHQL_VALIDATION_FAILED", fragment: measure.cycle });
  }
  if (measure.selections > limits.maxSelections) {
    throw operationRefused(
      `Query is too large: more than ${limits.maxSelections} selections once fragments are expanded (${limits.audience} limit)`,
      { code: "QUERY_TOO_LARGE", limit: "selections", max: limits.maxSelections },
    );
  }
  if (measure.aliases > limits.maxAliases) {
    throw operationRefused(`Query is too large: more than ${limits.maxAliases} aliases once fragments are expanded (${limits.audience} limit)`, {
      code: "QUERY_TOO_LARGE",
      limit: "aliases",
      max: limits.maxAliases,
    });
  }
  if (measure.depth > limits.maxDepth) {
    throw operationRefused(`Query is too deep: depth ${measure.depth} exceeds the limit of ${limits.maxDepth}`, {
      code: "QUERY_TOO_DEEP",
      depth: measure.depth,
      maxDepth: limits.maxDepth,
    });
  }
}

/**
 * Everything checked before graphql-js validation: tokens, then (when the document parses) its shape. Returns
 * the parsed document, or undefined for a syntax error, which the caller's parser reports with its location.
 */
export function preflightDocument(source: string, limits: OperationLimits): DocumentNode | undefined {
  assertTokenCount(source, limits);
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  assertDocumentShape(document, limits);
  return document;
}

/**
 * Coerces the operation's variables as execution would, so a wrong or missing variable is BAD_USER_INPUT (400)
 * naming the variable in `extensions.field`, before the complexity estimate (which coerces the raw variables
 * again and would otherwise fail with an untyped error, answered 500).
 */
export function assertVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): void {
  const definitions: readonly VariableDefinitionNode[] = operation.variableDefinitions ?? [];
  const result = getVariableValues(schema, definitions, variables ?? {}, { maxErrors: 10 });
  if (result.errors !== undefined) {
    const [first] = result.errors;
    const variable = first?.nodes?.[0];
    const field = variable?.kind === "VariableDefinition" ? variable.variable.name.value : undefined;
    throw operationRefused(first?.message ?? "Invalid variables", { code: "BAD_USER_INPUT", ...(field === undefined ? {} : { field }) });
  }
}

/** Refuses a subscription sent over HTTP, pointing at the WebSocket endpoint that serves it. */
export function assertNotSubscription(operation: OperationDefinitionNode): void {
  if (operation.operation !== "subscription") return;
  throw operationRefused(
    "Subscriptions are served over WebSocket: connect to ws(s)://<this host>/graphql with the graphql-transport-ws protocol (graphql-ws)",
    { code: "BAD_REQUEST", endpoint: "/graphql", protocol: "graphql-transport-ws" },
  );
}
