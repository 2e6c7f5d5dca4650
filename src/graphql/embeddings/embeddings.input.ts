import { Field, InputType, Int } from "type-graphql";

/** `createEmbeddings`' input: REST's body in GraphQL's spelling; texts or token arrays, one of the two. */
@InputType()
export class EmbeddingsInput {
  @Field(() => String, { nullable: true, description: "The embedding model, e.g. `openai/text-embedding-3-small` (see `GET /api/v1/embeddings/models`)." })
  model?: string | null;

  @Field(() => [String], { nullable: true, description: "Fallback models, tried in order after `model`." })
  models?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Texts to embed, one vector each. Give this or `tokens`." })
  input?: string[] | null;

  @Field(() => [[Int]], { nullable: true, description: "Token arrays to embed (the model's token ids), one vector each. Give this or `input`." })
  tokens?: number[][] | null;

  @Field(() => Int, { nullable: true, description: "The vector length, for models that can shorten their vectors." })
  dimensions?: number | null;

  @Field(() => String, { nullable: true, description: "`float` (the default: `embedding` is set) or `base64` (`base64` is set: little-endian float32s)." })
  encodingFormat?: string | null;

  @Field(() => String, { nullable: true, description: "The end user's id, recorded on the generation." })
  user?: string | null;
}
