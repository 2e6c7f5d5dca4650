import { Field, ID, InputType } from "type-graphql";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

@InputType({ description: "Buy credits through the payment provider; the platform fee is charged on top." })
export class PurchaseCreditsInput {
  @Field(() => ID, { nullable: true, description: "Operators name the account; other keys buy for their own." })
  accountId?: string | null;

  @Field(() => DecimalScalar, { description: "Credits to buy, USD." })
  amount!: string;
}

@InputType({ description: "Free credits from an operator." })
export class GrantCreditsInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => DecimalScalar, { description: "USD." })
  amount!: string;

  @Field(() => String, { nullable: true, description: "Shown in the ledger." })
  reason?: string | null;
}

@InputType({ description: "A correction by an operator: credits added (positive) or taken away (negative), with the reason." })
export class AdjustCreditsInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => DecimalScalar, { description: "USD, negative to take credits away; not zero." })
  amount!: string;

  @Field(() => String, { description: "Shown in the ledger; required, since an adjustment is a correction someone must explain." })
  reason!: string;
}

@InputType({ description: "Give credits of a payment back to the payer (fees are not refunded)." })
export class RefundPaymentInput {
  @Field(() => ID)
  paymentId!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "USD; defaults to everything not yet refunded." })
  amount?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType({ description: "Turn auto top-up on or off, and set when and how much it buys." })
export class ConfigureAutoTopUpInput {
  @Field(() => ID, { nullable: true, description: "Operators name the account; other keys configure their own." })
  accountId?: string | null;

  @Field()
  enabled!: boolean;

  @Field(() => DecimalScalar, { description: "Buy when the balance falls below this (USD)." })
  threshold!: string;

  @Field(() => DecimalScalar, { description: "Credits to buy each time (USD)." })
  amount!: string;
}
