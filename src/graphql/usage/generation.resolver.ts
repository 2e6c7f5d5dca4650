import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Endpoint } from "../catalog/endpoint.type.js";
import { Model } from "../catalog/model.type.js";
import { Provider } from "../catalog/provider.type.js";
import type { GraphQLContext } from "../context.js";
import { Generation, GenerationKey } from "./generation.type.js";

/** A generation's key, provider, endpoint and model, each batched across the page by a DataLoader. */
@Resolver(() => Generation)
export class GenerationResolver {
  @FieldResolver(() => GenerationKey, { nullable: true, description: "The key it was made with (null once the key is gone from the store)." })
  async key(@Root() generation: Generation, @Ctx() context: GraphQLContext): Promise<GenerationKey | null> {
    if (generation.keyHash === null) return null;
    const facts = await context.loaders.usage.keyByHash.load(generation.keyHash);
    // A key of another account never shows, even if a record pointed at one.
    if (facts === undefined || facts.accountId !== generation.accountId) return null;
    return Object.assign(new GenerationKey(), { id: facts.hash, label: facts.label, name: facts.name });
  }

  @FieldResolver(() => Provider, { nullable: true })
  async provider(@Root() generation: Generation, @Ctx() context: GraphQLContext): Promise<Provider | null> {
    if (generation.providerSlug === null) return null;
    const row = await context.loaders.catalog.providerBySlug.load(generation.providerSlug);
    return row === undefined ? null : Provider.from(row);
  }

  @FieldResolver(() => Endpoint, { nullable: true, description: "The endpoint that answered (null if it left the catalog)." })
  async endpoint(@Root() generation: Generation, @Ctx() context: GraphQLContext): Promise<Endpoint | null> {
    if (generation.endpointId === null) return null;
    const row = await context.loaders.usage.endpointById.load(generation.endpointId);
    return row === undefined ? null : Endpoint.from(row);
  }

  @FieldResolver(() => Model, { nullable: true, description: "The catalog's model listing for `model` (null if it left the catalog)." })
  async modelDetails(@Root() generation: Generation, @Ctx() context: GraphQLContext): Promise<Model | null> {
    const listing = await context.loaders.catalog.listingById.load(generation.model);
    return listing === undefined ? null : Model.from(listing);
  }
}
