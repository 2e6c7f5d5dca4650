import { Field, Int, ObjectType } from "type-graphql";
import type { AutoTopUpRow } from "../../db/schema/index.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { toDecimal } from "./money-fields.js";

@ObjectType({ description: "Automatic purchases when the balance falls below a threshold." })
export class AutoTopUp {
  @Field()
  enabled!: boolean;

  @Field(() => DecimalScalar, { description: "Buy when a request leaves the balance below this (USD)." })
  threshold!: string;

  @Field(() => DecimalScalar, { description: "Credits bought each time (USD, before the platform fee)." })
  amount!: string;

  @Field(() => Int, { description: "Consecutive failed payments; retries stop at AUTO_TOP_UP_MAX_FAILURES." })
  failures!: number;

  @Field(() => Date, { nullable: true, description: "When a failed top-up is retried." })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  static from(row: AutoTopUpRow): AutoTopUp {
    return Object.assign(new AutoTopUp(), {
      enabled: row.enabled,
      threshold: toDecimal(row.threshold),
      amount: toDecimal(row.amount),
      failures: row.failures,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
    });
  }
}
