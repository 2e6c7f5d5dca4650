import { Field, ObjectType } from "type-graphql";
import { formatUsd, parseUsd } from "../../billing/money.js";
import type { ListingPricing } from "../../catalog/model-query.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

const TOKENS_PER_MILLION = 1_000_000n;

/** USD per token → USD per million tokens, exactly (a decimal shift on the integer pico-dollar amount). */
function perMillion(perToken: string): string {
  return formatUsd(parseUsd(perToken) * TOKENS_PER_MILLION);
}

/**
 * Prices of one endpoint (or of a model's top endpoint), as exact decimals: per token as the catalog stores
 * them, and per million tokens as people quote them. `"0"` means no separate charge (or free).
 */
@ObjectType({ description: "Prices in USD as exact decimals, per token (or per request, per image) and per million tokens." })
export class Pricing {
  @Field(() => DecimalScalar, { description: "USD per prompt (input) token." })
  prompt!: string;

  @Field(() => DecimalScalar, { description: "USD per completion (output) token." })
  completion!: string;

  @Field(() => DecimalScalar, { description: "USD per request, on top of tokens." })
  request!: string;

  @Field(() => DecimalScalar, { description: "USD per input image, where billed per image." })
  image!: string;

  @Field(() => DecimalScalar, { description: "USD per prompt token read from the provider's cache." })
  inputCacheRead!: string;

  @Field(() => DecimalScalar, { description: "USD per prompt token written to the provider's cache." })
  inputCacheWrite!: string;

  @Field(() => DecimalScalar, { description: "USD per internal reasoning token, where billed apart from completion tokens." })
  internalReasoning!: string;

  @Field(() => DecimalScalar, { description: "USD per million prompt tokens." })
  promptPerMillion!: string;

  @Field(() => DecimalScalar, { description: "USD per million completion tokens." })
  completionPerMillion!: string;

  @Field(() => DecimalScalar, { description: "USD per million prompt tokens read from the cache." })
  inputCacheReadPerMillion!: string;

  @Field(() => DecimalScalar, { description: "USD per million prompt tokens written to the cache." })
  inputCacheWritePerMillion!: string;

  @Field(() => DecimalScalar, { description: "USD per million internal reasoning tokens." })
  internalReasoningPerMillion!: string;

  /** Builds the GraphQL object from normalised per-token prices. */
  static from(pricing: ListingPricing): Pricing {
    return Object.assign(new Pricing(), {
      ...pricing,
      promptPerMillion: perMillion(pricing.prompt),
      completionPerMillion: perMillion(pricing.completion),
      inputCacheReadPerMillion: perMillion(pricing.inputCacheRead),
      inputCacheWritePerMillion: perMillion(pricing.inputCacheWrite),
      internalReasoningPerMillion: perMillion(pricing.internalReasoning),
    });
  }
}
