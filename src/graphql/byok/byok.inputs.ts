import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "An own provider key to store; it replaces the account's key for that provider." })
export class SetByokKeyInput {
  @Field(() => ID, { nullable: true, description: "Operators name the account; API keys store in their own." })
  accountId?: string | null;

  @Field({ description: "Provider slug, e.g. openai." })
  provider!: string;

  @Field({ description: "The provider's API key. Stored encrypted, never returned." })
  key!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Default true: the shared key serves when the own key cannot." })
  allowFallback?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Default false: true tries the own key after the shared keys." })
  isFallback?: boolean | null;
}

@InputType({ description: "Changes to an own key; omitted fields stay. A new key or re-enabling clears a rejection." })
export class UpdateByokKeyInput {
  @Field(() => String, { nullable: true })
  key?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Boolean, { nullable: true })
  allowFallback?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isFallback?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean | null;
}
