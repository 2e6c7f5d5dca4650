import { Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { listProviders } from "../../catalog/endpoint-query.js";
import type { GraphQLContext } from "../context.js";
import { ENDPOINTS_PER_PROVIDER_ESTIMATE, PROVIDERS_ESTIMATE, listComplexity } from "./catalog-complexity.js";
import { Endpoint } from "./endpoint.type.js";
import { Provider } from "./provider.type.js";

/** The public list of providers and what each serves. */
@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => [Provider], { description: "Every provider in the catalog, by slug.", complexity: listComplexity(PROVIDERS_ESTIMATE) })
  async providers(@Ctx() context: GraphQLContext): Promise<Provider[]> {
    const rows = await listProviders(context.services.database.db);
    for (const row of rows) context.loaders.catalog.providerBySlug.prime(row.slug, row);
    return rows.map((row) => Provider.from(row));
  }

  @FieldResolver(() => [Endpoint], {
    description: "Every endpoint this provider serves, by model.",
    complexity: listComplexity(ENDPOINTS_PER_PROVIDER_ESTIMATE),
  })
  async endpoints(@Root() provider: Provider, @Ctx() context: GraphQLContext): Promise<Endpoint[]> {
    const rows = await context.loaders.catalog.endpointsOfProvider.load(provider.slug);
    return rows.map((row) => Endpoint.from(row));
  }
}
