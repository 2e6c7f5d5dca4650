import { Field, InputType, Int } from "type-graphql";
import type { ModelListFilter } from "../../catalog/model-query.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

/** Filters of `models`; every given field must hold (AND). Semantics are those of `ModelListFilter`. */
@InputType({ description: "Filters for `models`. Every given field must hold." })
export class ModelFilter implements ModelListFilter {
  @Field(() => [String], { nullable: true, description: "Provider slugs: models with an endpoint served by any of them." })
  providers?: string[];

  @Field(() => [String], { nullable: true, description: "Authors (the part of the id before the slash): any of them." })
  authors?: string[];

  @Field(() => [String], { nullable: true, description: "Input modalities the model must accept: all of them." })
  inputModalities?: string[];

  @Field(() => [String], { nullable: true, description: "Output modalities: models producing any of them." })
  outputModalities?: string[];

  @Field(() => String, { nullable: true, description: "Case-insensitive text in the id, name or description." })
  search?: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Lowest prompt price, USD per token." })
  minPromptPrice?: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Highest prompt price, USD per token (e.g. \"0.000001\" = $1/M)." })
  maxPromptPrice?: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Highest completion price, USD per token." })
  maxCompletionPrice?: string;

  @Field(() => Int, { nullable: true, description: "Smallest context length, in tokens." })
  minContextLength?: number;

  @Field(() => [String], { nullable: true, description: "Request parameters the model must support: all of them." })
  supportedParameters?: string[];

  @Field(() => Boolean, { nullable: true, description: "Only free (:free) models." })
  freeOnly?: boolean;
}

/**
 * The query filter for a GraphQL filter: explicit nulls (allowed on every input field) mean "not given".
 */
export function toListFilter(filter: ModelFilter | null | undefined): ModelListFilter {
  if (filter === null || filter === undefined) return {};
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== null && value !== undefined)) as ModelListFilter;
}
