import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { UsageFigures } from "../../usage/usage-query.js";
import { toDecimal } from "../billing/money-fields.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { UsageCounts } from "./usage-summary.type.js";

/**
 * One group of usage. Dimensions not grouped by are null. Token counts are Float because sums outgrow a
 * GraphQL Int (32 bits); they are whole numbers. `cost` is exact, in USD.
 */
@ObjectType({ description: "One group of usage: the dimensions grouped by (others null) and the sums." })
export class UsageRow extends UsageCounts {
  @Field(() => String, { nullable: true, description: "UTC date, YYYY-MM-DD (DAY)." })
  day!: string | null;

  @Field(() => Date, { nullable: true, description: "Start of the UTC hour (HOUR)." })
  hour!: Date | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => String, { nullable: true, description: "Provider slug." })
  provider!: string | null;

  @Field(() => ID, { nullable: true, description: "Key hash (KEY)." })
  keyId!: string | null;

  @Field(() => DecimalScalar, { description: "USD charged, exact: the sum of the usage ledger entries of these generations." })
  cost!: string;

  /** Declared again for the row's description; the type stays the base's. */
  @Field(() => Int, { description: "Generations that ended in an error." })
  declare errors: number;

  @Field(() => Float, { nullable: true, description: "Median latency (request to last byte), ms: the upper bound of its histogram bucket (at most 19 % above)." })
  latencyP50Ms!: number | null;

  @Field(() => Float, { nullable: true, description: "95th percentile latency, ms, as latencyP50Ms." })
  latencyP95Ms!: number | null;

  static from(figures: UsageFigures): UsageRow {
    return Object.assign(new UsageRow(), {
      day: figures.day,
      hour: figures.hour,
      model: figures.model,
      provider: figures.provider,
      keyId: figures.keyHash,
      requests: figures.requests,
      promptTokens: figures.promptTokens,
      completionTokens: figures.completionTokens,
      reasoningTokens: figures.reasoningTokens,
      cachedTokens: figures.cachedTokens,
      cost: toDecimal(figures.cost),
      errors: figures.errors,
      cancelled: figures.cancelled,
      latencyP50Ms: figures.latencyP50Ms,
      latencyP95Ms: figures.latencyP95Ms,
    });
  }
}
