import { Field, Int, ObjectType } from "type-graphql";

/** Fired to `catalogUpdated` subscribers when an operator imports or edits the catalog. */
@ObjectType({ description: "A change to the model catalog (import, price edit)." })
export class CatalogUpdate {
  @Field(() => Int, { description: "The catalog revision after the change." })
  revision!: number;

  @Field(() => Date, { description: "When this instance loaded the change." })
  changedAt!: Date;

  @Field(() => Int, { description: "How many models the catalog now holds." })
  modelCount!: number;
}
