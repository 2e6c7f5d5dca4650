import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { lexicographicSortSchema } from "graphql";
import { buildSchema } from "type-graphql";
import type { PubSub } from "../pubsub/pub-sub.js";
import { authChecker } from "./auth-checker.js";
import { resolvers } from "./resolvers.js";

/**
 * Builds the executable schema from the type-graphql classes. The same build, sorted, is printed to
 * `schema/schema.graphql` by `npm run build`; a test fails when the committed file is stale.
 */
export async function buildGatewaySchema(pubSub: PubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    pubSub,
    authChecker,
    validate: true,
    emitSchemaFile: false,
  });
  return lexicographicSortSchema(schema);
}
