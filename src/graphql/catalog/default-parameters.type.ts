import { Field, Float, Int, ObjectType } from "type-graphql";
import type { DefaultParameters as DefaultParametersRow } from "../../db/schema/index.js";

/** Sampling defaults the model's author recommends; null means the provider's own default. */
@ObjectType({ description: "Sampling defaults recommended by the model's author; null fields mean the provider's default." })
export class DefaultParameters {
  @Field(() => Float, { nullable: true })
  temperature!: number | null;

  @Field(() => Float, { nullable: true })
  topP!: number | null;

  @Field(() => Int, { nullable: true })
  topK!: number | null;

  @Field(() => Float, { nullable: true })
  frequencyPenalty!: number | null;

  @Field(() => Float, { nullable: true })
  presencePenalty!: number | null;

  @Field(() => Float, { nullable: true })
  repetitionPenalty!: number | null;

  static from(row: DefaultParametersRow | null): DefaultParameters | null {
    return row === null ? null : Object.assign(new DefaultParameters(), row);
  }
}
