import { Field, Float, Int, ObjectType } from "type-graphql";
import type { UsageFigures } from "../../usage/usage-query.js";
import { toDecimal } from "../billing/money-fields.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

/**
 * An account's usage since it began: `total` is the ledger's (equal to `GET /api/v1/credits`' total_usage),
 * the rest are the generation rollups' sums; `recordedCost` equals `total` once every served request's record
 * is written (see docs/usage.md for the window in which it can trail).
 */
/**
 * The counts every usage answer sums, declared once for a usage row and an account's or key's lifetime usage.
 * Token counts are Float because sums outgrow a GraphQL Int (32 bits); they are whole numbers. No field returns
 * this class itself, so the schema has no type of its own for it.
 */
@ObjectType()
export abstract class UsageCounts {
  @Field(() => Int)
  requests!: number;

  @Field(() => Float)
  promptTokens!: number;

  @Field(() => Float)
  completionTokens!: number;

  @Field(() => Float)
  reasoningTokens!: number;

  @Field(() => Float)
  cachedTokens!: number;

  @Field(() => Int)
  errors!: number;

  @Field(() => Int)
  cancelled!: number;
}

@ObjectType({ description: "An account's usage since it began." })
export class AccountUsage extends UsageCounts {
  @Field(() => DecimalScalar, { description: "USD charged for inference, from the ledger (= GET /api/v1/credits total_usage)." })
  total!: string;

  @Field(() => DecimalScalar, { description: "USD of the recorded generations (the rollups' sum)." })
  recordedCost!: string;

}

/** The rollup fields shared by {@link AccountUsage} and the key's usage, from one summary. */
export function summaryFields(figures: UsageFigures | undefined): Omit<AccountUsage, "total"> {
  return {
    recordedCost: toDecimal(figures?.cost ?? 0n),
    requests: figures?.requests ?? 0,
    promptTokens: figures?.promptTokens ?? 0,
    completionTokens: figures?.completionTokens ?? 0,
    reasoningTokens: figures?.reasoningTokens ?? 0,
    cachedTokens: figures?.cachedTokens ?? 0,
    errors: figures?.errors ?? 0,
    cancelled: figures?.cancelled ?? 0,
  };
}
