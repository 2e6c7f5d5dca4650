import { Field, ObjectType } from "type-graphql";
import type { BalanceFigures } from "../../billing/ledger-service.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { toDecimal } from "./money-fields.js";

/** An account's money, in USD as exact decimals. */
@ObjectType({ description: "An account's credit balance in USD (exact decimals)." })
export class Balance {
  @Field(() => DecimalScalar, { description: "Credits left: the sum of the account's ledger entries. Negative only after a request cost more than it reserved." })
  balance!: string;

  @Field(() => DecimalScalar, { description: "Held by requests in flight." })
  reserved!: string;

  @Field(() => DecimalScalar, { description: "balance − reserved: what new requests can use." })
  available!: string;

  @Field(() => DecimalScalar, { description: "Credits bought in total (purchases and auto top-ups, net of refunds; grants excluded)." })
  totalPurchased!: string;

  @Field(() => DecimalScalar, { description: "Inference charged in total." })
  totalUsage!: string;

  static from(figures: BalanceFigures): Balance {
    return Object.assign(new Balance(), {
      balance: toDecimal(figures.balance),
      reserved: toDecimal(figures.reserved),
      available: toDecimal(figures.available),
      totalPurchased: toDecimal(figures.purchased),
      totalUsage: toDecimal(figures.usage),
    });
  }
}
