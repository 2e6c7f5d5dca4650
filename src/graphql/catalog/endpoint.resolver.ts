import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { GatewayError } from "../../core/errors.js";
import type { GraphQLContext } from "../context.js";
import { Endpoint } from "./endpoint.type.js";
import { EndpointStats } from "./endpoint-stats.type.js";
import { Model } from "./model.type.js";
import { Provider } from "./provider.type.js";

/** An endpoint's provider and model, batched per operation through the catalog DataLoaders, and its live stats. */
@Resolver(() => Endpoint)
export class EndpointResolver {
  @FieldResolver(() => Provider, { description: "Who serves this endpoint." })
  async provider(@Root() endpoint: Endpoint, @Ctx() context: GraphQLContext): Promise<Provider> {
    const row = await context.loaders.catalog.providerBySlug.load(endpoint.providerSlug);
    // The foreign key makes this impossible unless the catalog changed mid-operation.
    if (row === undefined) throw new GatewayError("server", `Provider "${endpoint.providerSlug}" vanished from the catalog`);
    return Provider.from(row);
  }

  @FieldResolver(() => EndpointStats, { description: "Live uptime, latency and throughput from the gateway's own traffic." })
  stats(@Root() endpoint: Endpoint, @Ctx() context: GraphQLContext): EndpointStats {
    return EndpointStats.from(context.services.health.stats(endpoint.endpointId, Date.now()));
  }

  @FieldResolver(() => Model, { description: "The model listing this endpoint belongs to (author/slug or author/slug:free)." })
  async model(@Root() endpoint: Endpoint, @Ctx() context: GraphQLContext): Promise<Model> {
    const listing = await context.loaders.catalog.listingById.load(endpoint.listedId);
    if (listing === undefined) throw new GatewayError("server", `Model "${endpoint.listedId}" vanished from the catalog`);
    return Model.from(listing);
  }
}
