import { Field, Int, ObjectType } from "type-graphql";
import type { ModelListing } from "../../catalog/model-query.js";
import { Architecture } from "./architecture.type.js";
import { DefaultParameters } from "./default-parameters.type.js";
import { ModelVariant, toModelVariant } from "./model-variant.enum.js";
import { Pricing } from "./pricing.type.js";

/**
 * A listed model: a catalog model in one variant (`author/slug` or `author/slug:free`), priced at its top
 * (cheapest) endpoint. `endpoints` is a field resolver (`model.resolver.ts`) going through a DataLoader.
 */
@ObjectType({ description: "A model as listed: author/slug, or author/slug:free for its free endpoints." })
export class Model {
  @Field({ description: "The routable id: author/slug or author/slug:free." })
  id!: string;

  @Field({ description: "Permanent slug that stays when id is renamed." })
  canonicalSlug!: string;

  @Field(() => String, { nullable: true })
  huggingFaceId!: string | null;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => Date, { description: "When the model was released." })
  created!: Date;

  @Field(() => ModelVariant)
  variant!: ModelVariant;

  @Field(() => Int, { description: "Longest context among this listing's endpoints, in tokens." })
  contextLength!: number;

  @Field(() => Architecture)
  architecture!: Architecture;

  @Field(() => [String], { description: "Request parameters the model supports (tools, response_format, ...)." })
  supportedParameters!: string[];

  @Field(() => DefaultParameters, { nullable: true })
  defaultParameters!: DefaultParameters | null;

  @Field(() => Pricing, { description: "Prices of the top (cheapest) endpoint." })
  pricing!: Pricing;

  /** For the `endpoints` field resolver. */
  modelId!: string;

  static from(listing: ModelListing): Model {
    const { model } = listing;
    return Object.assign(new Model(), {
      id: listing.listedId,
      canonicalSlug: model.canonicalSlug,
      huggingFaceId: model.huggingFaceId,
      name: model.name,
      description: model.description,
      created: model.releasedAt,
      variant: toModelVariant(listing.variant),
      contextLength: listing.contextLength,
      architecture: Architecture.from(model),
      supportedParameters: model.supportedParameters,
      defaultParameters: DefaultParameters.from(model.defaultParameters),
      pricing: Pricing.from(listing.pricing),
      modelId: model.id,
    });
  }
}
