import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

@ObjectType({ description: "A tool call the model asked for." })
export class ToolCall {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Arguments as JSON text." })
  arguments!: string;
}

@ObjectType()
export class ChatMessage {
  @Field(() => String)
  role!: string;

  @Field(() => String, { nullable: true })
  content!: string | null;

  @Field(() => String, { nullable: true, description: "The model's reasoning, when it returned any." })
  reasoning!: string | null;

  @Field(() => [ToolCall])
  toolCalls!: ToolCall[];

  @Field(() => [GraphQLJSONObject], {
    description:
      "OpenRouter's `reasoning_details`: the reasoning with the providers' signatures (Anthropic thinking, Gemini function-call signatures). Send them back with the message on the next turn.",
  })
  reasoningDetails!: Array<Record<string, unknown>>;
}

/**
 * The token counts every answer's usage has, chat's and embeddings' alike, declared once so both GraphQL usage
 * types name and type them the same; each type adds its own fields and its own `cost` description. No field returns
 * it, so the schema has no type of its own for it.
 */
@ObjectType()
export abstract class TokenUsage {
  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  totalTokens!: number;
}

@ObjectType({ description: "Tokens and the exact cost charged." })
export class CompletionUsage extends TokenUsage {
  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Int)
  cachedTokens!: number;

  @Field(() => Int)
  reasoningTokens!: number;

  @Field(() => DecimalScalar, { description: "USD charged, exactly as in the ledger (on an own key: the BYOK fee)." })
  cost!: string;

  @Field(() => Boolean, { description: "Served with the account's own provider key (bring your own key)." })
  isByok!: boolean;

  @Field(() => DecimalScalar, { nullable: true, description: "On an own key: the upstream price at list prices, paid to the provider by the account." })
  upstreamInferenceCost!: string | null;
}

/**
 * What names a served generation in an answer, chat's and embeddings' alike, declared once so both say it the
 * same way. No field returns this class itself, so the schema has no type of its own for it.
 */
@ObjectType()
export abstract class ServedGeneration {
  @Field(() => String, { description: "The generation id (`gen-...`), usable with `GET /api/v1/generation`." })
  id!: string;

  @Field(() => String, { description: "The model that served the request." })
  model!: string;

  @Field(() => String, { description: "The provider that served the request." })
  provider!: string;
}

@ObjectType({ description: "A finished chat completion." })
export class ChatCompletion extends ServedGeneration {

  @Field(() => Int, { description: "Unix seconds." })
  created!: number;

  @Field(() => ChatMessage)
  message!: ChatMessage;

  @Field(() => String, { description: "stop, length, tool_calls, content_filter or error." })
  finishReason!: string;

  @Field(() => String, { nullable: true, description: "The provider's own finish reason." })
  nativeFinishReason!: string | null;

  @Field(() => CompletionUsage)
  usage!: CompletionUsage;
}
