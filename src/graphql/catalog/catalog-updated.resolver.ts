import { Ctx, Int, Query, Resolver, Root, Subscription } from "type-graphql";
import type { CatalogUpdatedEvent } from "../../catalog/catalog-service.js";
import { CATALOG_UPDATED_TOPIC } from "../../catalog/catalog-service.js";
import type { GraphQLContext } from "../context.js";
import { CatalogUpdate } from "./catalog-update.type.js";

/** The live catalog: subscribers hear about imports and edits made through any instance or the CLI. */
@Resolver()
export class CatalogUpdatedResolver {
  @Query(() => Int, { description: "The revision of the catalog this instance serves; it goes up on every change." })
  catalogRevision(@Ctx() context: GraphQLContext): number {
    return context.services.catalog.snapshot().revision;
  }

  @Subscription(() => CatalogUpdate, { topics: CATALOG_UPDATED_TOPIC, description: "Fires when the model catalog changes." })
  catalogUpdated(@Root() event: CatalogUpdatedEvent): CatalogUpdate {
    return { revision: event.revision, changedAt: event.changedAt, modelCount: event.modelCount };
  }
}
