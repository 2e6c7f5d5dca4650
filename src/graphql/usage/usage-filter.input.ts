import { Field, ID, InputType } from "type-graphql";
import type { UsageFilter as ServiceUsageFilter } from "../../usage/usage-filter.js";

/**
 * Which usage to read. `from` inclusive, `to` exclusive. An API key always reads its own account (naming
 * another is NOT_FOUND; another account's key hashes match nothing); an operator names an account or reads all.
 */
@InputType({ description: "Which usage to read: from (inclusive), to (exclusive), keys (hashes), models, providers (slugs), accountId (operators)." })
export class UsageFilter {
  @Field(() => Date, { nullable: true, description: "Inclusive. Usage counts whole UTC hours: an hour is in when it starts at or after from's hour." })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: "Exclusive: an hour is in when it starts before this." })
  to?: Date | null;

  @Field(() => [ID], { nullable: true, description: "Key hashes." })
  keys?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Model ids as served (author/slug, or author/slug:free)." })
  models?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Provider slugs." })
  providers?: string[] | null;

  @Field(() => ID, { nullable: true, description: "Operators: one account (omit for every account). API keys: their own only." })
  accountId?: string | null;
}

/** Which generations to list: the same fields as {@link UsageFilter}, matched against each generation's exact time. */
@InputType({ description: "Which generations to list: from (inclusive), to (exclusive), keys (hashes), models, providers, accountId (operators)." })
export class GenerationFilter {
  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;

  @Field(() => [ID], { nullable: true, description: "Key hashes." })
  keys?: string[] | null;

  @Field(() => [String], { nullable: true })
  models?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Provider slugs." })
  providers?: string[] | null;

  @Field(() => ID, { nullable: true })
  accountId?: string | null;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** The service's filter for either input (GraphQL nulls become "not filtered"). */
export function toServiceFilter(input: UsageFilter | GenerationFilter | null | undefined): ServiceUsageFilter {
  if (input === null || input === undefined) return {};
  return {
    from: orUndefined(input.from),
    to: orUndefined(input.to),
    keys: orUndefined(input.keys),
    models: orUndefined(input.models),
    providers: orUndefined(input.providers),
    accountId: orUndefined(input.accountId),
  };
}
