import { Field, Int, ObjectType } from "type-graphql";
import { Model } from "./model.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "A model in a page of `models`, with its cursor." })
export class ModelEdge {
  @Field({ description: "Opaque; pass it as `after` to continue after this model." })
  cursor!: string;

  @Field(() => Model)
  node!: Model;
}

/** A Relay connection over the model list. */
@ObjectType({ description: "A page of models (Relay connection)." })
export class ModelConnection {
  @Field(() => [ModelEdge])
  edges!: ModelEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many models match the filter, over all pages." })
  totalCount!: number;
}
