import { ArgsType, Field, Int } from "type-graphql";
import { ModelFilter } from "./model-filter.input.js";
import { ModelSort } from "./model-sort.enum.js";

/** Largest page `models(first:)` serves; more is refused with BAD_USER_INPUT rather than silently cut. */
export const MAX_MODELS_PAGE = 100;

export const DEFAULT_MODELS_PAGE = 20;

@ArgsType()
export class ModelsArgs {
  @Field(() => ModelFilter, { nullable: true })
  filter?: ModelFilter;

  @Field(() => ModelSort, { nullable: true, description: "Defaults to NEWEST." })
  sort?: ModelSort;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_MODELS_PAGE, description: `Page size, 0 to ${MAX_MODELS_PAGE}; null means the default.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The endCursor of the previous page." })
  after?: string;
}
