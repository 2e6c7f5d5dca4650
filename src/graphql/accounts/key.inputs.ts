import { Field, ID, InputType } from "type-graphql";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { KeyKindEnum, LimitResetEnum } from "./key-enums.js";

@InputType({ description: "A new key." })
export class CreateKeyInput {
  @Field(() => ID, { nullable: true, description: "Operators name the account; other keys create keys in their own. An operator creating a MANAGEMENT key without an account creates another operator key." })
  accountId?: string | null;

  @Field()
  name!: string;

  @Field(() => KeyKindEnum, { nullable: true, defaultValue: KeyKindEnum.API })
  kind?: KeyKindEnum;

  @Field(() => DecimalScalar, { nullable: true, description: "Spend limit in USD; null = unlimited." })
  limit?: string | null;

  @Field(() => LimitResetEnum, { nullable: true })
  limitReset?: LimitResetEnum | null;

  @Field(() => Boolean, { nullable: true })
  includeByokInLimit?: boolean | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}

@InputType({ description: "Changes to a key; omitted fields stay, null clears." })
export class UpdateKeyInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean | null;

  @Field(() => DecimalScalar, { nullable: true })
  limit?: string | null;

  @Field(() => LimitResetEnum, { nullable: true })
  limitReset?: LimitResetEnum | null;

  @Field(() => Boolean, { nullable: true })
  includeByokInLimit?: boolean | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}

@InputType({ description: "A new account (operators only)." })
export class CreateAccountInput {
  @Field()
  name!: string;
}

@InputType({ description: "Changes to an account (operators only); fields left out are unchanged." })
export class UpdateAccountInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true: its keys are refused (403) until it is enabled again; balance, ledger and keys are kept." })
  disabled?: boolean | null;
}
