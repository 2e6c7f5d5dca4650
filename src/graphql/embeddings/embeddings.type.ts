import { Field, Float, Int, ObjectType } from "type-graphql";
import { ServedGeneration, TokenUsage } from "../completions/chat-completion.type.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

/** One input's vector, in the encoding asked for. */
@ObjectType()
export class Embedding {
  @Field(() => Int, { description: "The input's position in the request." })
  index!: number;

  @Field(() => [Float], { nullable: true, description: "The vector, when `encodingFormat` is `float`." })
  embedding!: number[] | null;

  @Field(() => String, { nullable: true, description: "The vector as base64 of little-endian float32s, when `encodingFormat` is `base64`." })
  base64!: string | null;
}

@ObjectType()
export class EmbeddingsUsage extends TokenUsage {
  @Field(() => DecimalScalar, { description: "USD charged, exactly as in the ledger." })
  cost!: string;
}

/** The answer of `createEmbeddings`: one vector per input, and what it cost. */
@ObjectType()
export class Embeddings extends ServedGeneration {

  @Field(() => [Embedding])
  data!: Embedding[];

  @Field(() => EmbeddingsUsage)
  usage!: EmbeddingsUsage;
}
