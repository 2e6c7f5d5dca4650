import { Field, ID, Int, ObjectType } from "type-graphql";
import type { PaymentRow } from "../../db/schema/index.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { toDecimal } from "./money-fields.js";

/** A charge through the payment provider, successful or not. */
@ObjectType({ description: "A payment attempt: a purchase or an auto top-up, successful or failed." })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field({ description: "purchase or auto_top_up." })
  kind!: string;

  @Field({ description: "pending, succeeded or failed." })
  status!: string;

  @Field({ description: "The payment provider that handled it (in-process for the built-in test provider)." })
  provider!: string;

  @Field(() => DecimalScalar, { description: "Credits bought." })
  credits!: string;

  @Field(() => DecimalScalar, { description: "Platform fee charged (after any volume discount)." })
  fee!: string;

  @Field(() => DecimalScalar, { description: "credits + fee: what the payer was charged." })
  charged!: string;

  @Field(() => DecimalScalar, { description: "Credits refunded so far." })
  refunded!: string;

  @Field(() => Int, { description: "For auto top-ups, which try this was." })
  attempt!: number;

  @Field(() => String, { nullable: true, description: "Why it failed." })
  error!: string | null;

  @Field()
  createdAt!: Date;

  static from(row: PaymentRow): Payment {
    return Object.assign(new Payment(), {
      id: row.id,
      kind: row.kind,
      status: row.status,
      provider: row.provider,
      credits: toDecimal(row.credits),
      fee: toDecimal(row.fee),
      charged: toDecimal(row.charged),
      refunded: toDecimal(row.refunded),
      attempt: row.attempt,
      error: row.error,
      createdAt: row.createdAt,
    });
  }
}
