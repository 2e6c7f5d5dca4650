import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType, createUnionType } from "type-graphql";
import { CompletionUsage } from "./chat-completion.type.js";

/**
 * The events of the `chatCompletion` subscription, one GraphQL type each, in the order a stream yields them:
 * started, then content, reasoning and tool-call deltas as they arrive, then finished or error (the last).
 * Each value carries its `kind` so the union resolves its type without guessing from fields.
 */

@ObjectType({ description: "The answer has begun: which generation, model and provider serve it." })
export class ChatCompletionStarted {
  readonly kind = "started" as const;

  @Field(() => String, { description: "The generation id (`gen-...`), usable with `GET /api/v1/generation`." })
  generationId!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => Int, { description: "Unix seconds." })
  created!: number;
}

@ObjectType({ description: "A piece of the answer's text." })
export class ChatCompletionContentDelta {
  readonly kind = "content" as const;

  @Field(() => String)
  delta!: string;
}

@ObjectType({ description: "A piece of the model's reasoning, or a signature to send back on the next turn (then `delta` is empty)." })
export class ChatCompletionReasoningDelta {
  readonly kind = "reasoning" as const;

  @Field(() => String)
  delta!: string;

  @Field(() => [GraphQLJSONObject], { description: "OpenRouter's `reasoning_details` entries this delta carries, signatures included." })
  reasoningDetails!: Array<Record<string, unknown>>;
}

@ObjectType({ description: "The model began a tool call; its arguments follow as deltas." })
export class ChatCompletionToolCallStarted {
  readonly kind = "tool-call-start" as const;

  @Field(() => Int, { description: "The call's position among this answer's tool calls, from 0." })
  index!: number;

  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType({ description: "A piece of a tool call's arguments (JSON text once joined)." })
export class ChatCompletionToolCallArgumentsDelta {
  readonly kind = "tool-call-arguments" as const;

  @Field(() => Int)
  index!: number;

  @Field(() => String)
  id!: string;

  @Field(() => String)
  delta!: string;
}

@ObjectType({ description: "The answer is complete and paid: why it ended, and the usage with the exact cost charged." })
export class ChatCompletionFinished {
  readonly kind = "finished" as const;

  @Field(() => String, { description: "stop, length, tool_calls, content_filter or error." })
  finishReason!: string;

  @Field(() => String, { nullable: true, description: "The provider's own finish reason." })
  nativeFinishReason!: string | null;

  @Field(() => CompletionUsage)
  usage!: CompletionUsage;
}

@ObjectType({ description: "The answer failed after it began (or the client fell too far behind); it is charged for what was generated." })
export class ChatCompletionError {
  readonly kind = "error" as const;

  @Field(() => String, { description: "The error's code, as `extensions.code` of a GraphQL error (e.g. PROVIDER_UNAVAILABLE, SUBSCRIBER_TOO_SLOW)." })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => GraphQLJSONObject, { description: "OpenRouter's error metadata." })
  metadata!: Record<string, unknown>;

  @Field(() => CompletionUsage, {
    nullable: true,
    description: "What was charged for the part of the answer generated, once settled (named apart from `usage` so one selection can ask for both events' usage).",
  })
  chargedUsage!: CompletionUsage | null;
}

/** One event of the subscription, as its resolver yields it. */
export type ChatCompletionEventValue =
  | ChatCompletionStarted
  | ChatCompletionContentDelta
  | ChatCompletionReasoningDelta
  | ChatCompletionToolCallStarted
  | ChatCompletionToolCallArgumentsDelta
  | ChatCompletionFinished
  | ChatCompletionError;

const TYPE_OF_KIND = {
  started: ChatCompletionStarted,
  content: ChatCompletionContentDelta,
  reasoning: ChatCompletionReasoningDelta,
  "tool-call-start": ChatCompletionToolCallStarted,
  "tool-call-arguments": ChatCompletionToolCallArgumentsDelta,
  finished: ChatCompletionFinished,
  error: ChatCompletionError,
} as const;

export const ChatCompletionEvent = createUnionType({
  name: "ChatCompletionEvent",
  description: "One event of a streamed chat completion.",
  types: () => [ChatCompletionStarted, ChatCompletionContentDelta, ChatCompletionReasoningDelta, ChatCompletionToolCallStarted, ChatCompletionToolCallArgumentsDelta, ChatCompletionFinished, ChatCompletionError] as const,
  resolveType: (value: ChatCompletionEventValue) => TYPE_OF_KIND[value.kind],
});
