import { Field, Int, ObjectType } from "type-graphql";
import { listedIdOf, toEndpointVariant } from "../../catalog/catalog-snapshot.js";
import { endpointPricing } from "../../catalog/model-query.js";
import type { EndpointRow } from "../../db/schema/index.js";
import { ModelVariant, toModelVariant } from "./model-variant.enum.js";
import { Pricing } from "./pricing.type.js";

/**
 * One model served by one provider at one price. `provider` and `model` are field resolvers
 * (`endpoint.resolver.ts`) going through the operation's DataLoaders.
 */
@ObjectType({ description: "One model served by one provider at one price." })
export class Endpoint {
  @Field({ description: "The id the provider's own API expects for this model." })
  providerModelId!: string;

  @Field(() => ModelVariant)
  variant!: ModelVariant;

  @Field(() => Pricing)
  pricing!: Pricing;

  @Field(() => Int, { description: "Longest prompt plus completion this endpoint accepts, in tokens." })
  contextLength!: number;

  @Field(() => Int, { nullable: true })
  maxCompletionTokens!: number | null;

  @Field(() => Int, { nullable: true })
  maxPromptTokens!: number | null;

  @Field(() => String, { nullable: true, description: "Weights precision (fp8, bf16, ...), when the provider says." })
  quantization!: string | null;

  @Field(() => [String])
  supportedParameters!: string[];

  @Field(() => Int, { description: "0 when serving; negative when degraded or down (OpenRouter's convention)." })
  status!: number;

  /** For the `stats` field resolver. */
  endpointId!: number;

  /** For the `provider` field resolver. */
  providerSlug!: string;

  /** For the `model` field resolver: the listing this endpoint belongs to (`author/slug[:free]`). */
  listedId!: string;

  static from(row: EndpointRow): Endpoint {
    const variant = toModelVariant(row.variant);
    return Object.assign(new Endpoint(), {
      providerModelId: row.providerModelId,
      variant,
      pricing: Pricing.from(endpointPricing(row)),
      contextLength: row.contextLength,
      maxCompletionTokens: row.maxCompletionTokens,
      maxPromptTokens: row.maxPromptTokens,
      quantization: row.quantization,
      supportedParameters: row.supportedParameters,
      status: row.status,
      providerSlug: row.providerSlug,
      endpointId: row.id,
      listedId: listedIdOf(row.modelId, toEndpointVariant(row.variant)),
    });
  }
}
