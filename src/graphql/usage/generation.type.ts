import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { GenerationRow } from "../../db/schema/index.js";
import { toDecimal } from "../billing/money-fields.js";
import { PageInfo } from "../catalog/page-info.type.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

/** The key a generation was made with, as far as the caller may see it (never the plaintext). */
@ObjectType({ description: "The key a generation was made with." })
export class GenerationKey {
  @Field(() => ID, { description: "The key's hash." })
  id!: string;

  @Field({ description: "Masked key, e.g. sk-gw-a1B...xY9." })
  label!: string;

  @Field()
  name!: string;
}

/**
 * One generation record. `key`, `provider`, `endpoint` and `modelDetails` are field resolvers going through the
 * operation's DataLoaders (one statement per kind for a whole page).
 */
@ObjectType({ description: "One completion request as served." })
export class Generation {
  @Field(() => ID)
  id!: string;

  @Field()
  createdAt!: Date;

  @Field({ description: "The model id as served (author/slug or author/slug:free)." })
  model!: string;

  @Field(() => String, { nullable: true, description: "Provider slug." })
  providerSlug!: string | null;

  @Field(() => String, { nullable: true })
  accountId!: string | null;

  @Field(() => Boolean)
  streamed!: boolean;

  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Int)
  reasoningTokens!: number;

  @Field(() => Int)
  cachedTokens!: number;

  @Field(() => DecimalScalar, { description: "USD charged, exact (the generation's usage ledger entry)." })
  cost!: string;

  @Field(() => Float, { description: "Request arrival to the end of the answer, ms." })
  latencyMs!: number;

  @Field(() => Float, { description: "Upstream generation time (first output to last), ms." })
  generationTimeMs!: number;

  @Field(() => String, { nullable: true })
  finishReason!: string | null;

  @Field(() => Boolean)
  cancelled!: boolean;

  @Field({ description: "ok, error or cancelled." })
  status!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  /** For the field resolvers. */
  keyHash!: string | null;
  endpointId!: number | null;

  static from(row: GenerationRow): Generation {
    const failed = row.errorMessage !== null || row.finishReason === "error";
    return Object.assign(new Generation(), {
      id: row.id,
      createdAt: row.createdAt,
      model: row.model,
      providerSlug: row.providerSlug,
      accountId: row.accountId,
      streamed: row.streamed,
      promptTokens: row.tokensPrompt,
      completionTokens: row.tokensCompletion,
      reasoningTokens: row.tokensReasoning,
      cachedTokens: row.tokensCached,
      cost: toDecimal(row.totalCost),
      latencyMs: row.latencyMs,
      generationTimeMs: row.generationTimeMs,
      finishReason: row.finishReason,
      cancelled: row.cancelled,
      status: failed ? "error" : row.cancelled ? "cancelled" : "ok",
      error: row.errorMessage,
      keyHash: row.keyHash,
      // The attempt that answered is the last one.
      endpointId: row.providerResponses.at(-1)?.endpointId ?? null,
    });
  }
}

@ObjectType()
export class GenerationEdge {
  @Field()
  cursor!: string;

  @Field(() => Generation)
  node!: Generation;
}

@ObjectType({ description: "A page of generations, newest first (Relay connection)." })
export class GenerationConnection {
  @Field(() => [GenerationEdge])
  edges!: GenerationEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
