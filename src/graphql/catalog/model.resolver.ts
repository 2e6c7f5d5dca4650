import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { ComplexityEstimatorArgs } from "graphql-query-complexity";
import { listModels } from "../../catalog/model-query.js";
import { notFound } from "../../core/errors.js";
import type { GraphQLContext } from "../context.js";
import { ENDPOINTS_PER_MODEL_ESTIMATE, listComplexity } from "./catalog-complexity.js";
import { Endpoint } from "./endpoint.type.js";
import { toListFilter } from "./model-filter.input.js";
import { ModelConnection } from "./model-connection.type.js";
import { pageWindow, toModelConnection } from "./model-page.js";
import { Model } from "./model.type.js";
import { DEFAULT_MODELS_PAGE, MAX_MODELS_PAGE, ModelsArgs } from "./models.args.js";

/**
 * `models` costs `first` times its selection. `first` is clamped to the page cap here so an oversized
 * `first` reaches the resolver and gets the precise BAD_USER_INPUT rather than a complexity refusal.
 */
function modelsComplexity({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === "number" ? args.first : DEFAULT_MODELS_PAGE;
  return 1 + Math.min(Math.max(first, 0), MAX_MODELS_PAGE) * childComplexity;
}

/**
 * The public model catalog: no key needed. Reads go through `src/catalog/model-query.ts` (shared with REST
 * `GET /api/v1/models`) and the operation's DataLoaders.
 */
@Resolver(() => Model)
export class ModelResolver {
  @Query(() => ModelConnection, {
    description: "Models (one entry per model and variant), filtered, sorted and paged as a Relay connection.",
    complexity: modelsComplexity,
  })
  async models(@Args() args: ModelsArgs, @Ctx() context: GraphQLContext): Promise<ModelConnection> {
    const { limit, offset } = pageWindow(args);
    const page = await listModels(context.services.database.db, {
      filter: toListFilter(args.filter),
      sort: args.sort ?? undefined,
      limit,
      offset,
    });
    return toModelConnection(page, offset);
  }

  @Query(() => Model, {
    nullable: true,
    description: "One model by id (author/slug or author/slug:free). An unknown id is an error with extensions.code NOT_FOUND, as REST answers 404.",
  })
  async model(@Arg("id", () => String) id: string, @Ctx() context: GraphQLContext): Promise<Model> {
    const listing = await context.loaders.catalog.listingById.load(id);
    if (listing === undefined) throw notFound(`Model "${id}" does not exist`, { modelId: id });
    return Model.from(listing);
  }

  @FieldResolver(() => [Endpoint], {
    description: "Every endpoint of this model and variant, cheapest first.",
    complexity: listComplexity(ENDPOINTS_PER_MODEL_ESTIMATE),
  })
  async endpoints(@Root() model: Model, @Ctx() context: GraphQLContext): Promise<Endpoint[]> {
    const rows = await context.loaders.catalog.endpointsOfListing.load({ modelId: model.modelId, variant: model.variant });
    return rows.map((row) => Endpoint.from(row));
  }
}
