import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, InputType, Int } from "type-graphql";

/** A tool call an assistant made, sent back on the next turn. */
@InputType()
export class ToolCallInput {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The arguments as JSON text, exactly as the model produced them." })
  arguments!: string;
}

/** A file attached to a user message: a PDF or text document, as OpenRouter's `file` content part. */
@InputType()
export class ChatFileInput {
  @Field(() => String, { nullable: true, description: "The file's name; its extension tells the type when `fileData` does not." })
  filename?: string | null;

  @Field(() => String, { description: "A data: URL (`data:application/pdf;base64,...`), plain base64, or an http(s) URL the provider fetches." })
  fileData!: string;
}

/** Audio attached to a user message, as OpenAI's `input_audio` content part. */
@InputType()
export class ChatAudioInput {
  @Field(() => String, { description: "The audio, base64-encoded." })
  data!: string;

  @Field(() => String, { description: "wav, mp3, aiff, aac, ogg or flac." })
  format!: string;
}

/** One message of the conversation, in OpenAI's roles. */
@InputType()
export class ChatMessageInput {
  @Field(() => String, { description: "system, developer, user, assistant or tool." })
  role!: string;

  @Field(() => String, { nullable: true })
  content?: string | null;

  @Field(() => [String], { nullable: true, description: "Image URLs (http(s) or data: URLs) attached to a user message." })
  imageUrls?: string[] | null;

  @Field(() => [ChatFileInput], { nullable: true, description: "Documents (PDF, text) attached to a user message." })
  files?: ChatFileInput[] | null;

  @Field(() => [ChatAudioInput], { nullable: true, description: "Audio clips attached to a user message." })
  audio?: ChatAudioInput[] | null;

  @Field(() => [ToolCallInput], { nullable: true, description: "Tool calls of an assistant message." })
  toolCalls?: ToolCallInput[] | null;

  @Field(() => String, { nullable: true, description: "For a tool message: the id of the call it answers." })
  toolCallId?: string | null;

  @Field(() => [GraphQLJSONObject], {
    nullable: true,
    description: "An assistant message's `reasoningDetails`, sent back exactly as received: thinking models need their signatures on the next tool turn.",
  })
  reasoningDetails?: Array<Record<string, unknown>> | null;
}

@InputType()
export class FunctionToolInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "JSON Schema of the arguments." })
  parameters?: Record<string, unknown> | null;
}

@InputType()
export class ReasoningInput {
  @Field(() => String, { nullable: true, description: "minimal, low, medium or high." })
  effort?: string | null;

  @Field(() => Int, { nullable: true })
  maxTokens?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Reason, but leave the reasoning out of the answer." })
  exclude?: boolean | null;
}

@InputType()
export class JsonSchemaFormatInput {
  @Field(() => String)
  name!: string;

  @Field(() => GraphQLJSONObject)
  schema!: Record<string, unknown>;

  @Field(() => Boolean, { nullable: true })
  strict?: boolean | null;
}

/** A chat completion request: the same fields as REST `POST /chat/completions`, camel-cased. */
@InputType()
export class ChatCompletionInput {
  @Field(() => String, { description: "Model id, e.g. `openai/gpt-4o-mini` or `meta-llama/llama-3.3-70b-instruct:free`." })
  model!: string;

  @Field(() => [String], { nullable: true, description: "Fallback models, tried in order when the first cannot serve." })
  models?: string[] | null;

  @Field(() => [ChatMessageInput])
  messages!: ChatMessageInput[];

  @Field(() => Int, { nullable: true })
  maxTokens?: number | null;

  @Field(() => Float, { nullable: true })
  temperature?: number | null;

  @Field(() => Float, { nullable: true })
  topP?: number | null;

  @Field(() => Int, { nullable: true })
  topK?: number | null;

  @Field(() => Int, { nullable: true })
  seed?: number | null;

  @Field(() => [String], { nullable: true })
  stop?: string[] | null;

  @Field(() => Float, { nullable: true })
  frequencyPenalty?: number | null;

  @Field(() => Float, { nullable: true })
  presencePenalty?: number | null;

  @Field(() => [FunctionToolInput], { nullable: true })
  tools?: FunctionToolInput[] | null;

  @Field(() => String, { nullable: true, description: "auto, none, required, or the name of one tool to force." })
  toolChoice?: string | null;

  @Field(() => String, { nullable: true, description: "text or json_object; use jsonSchema for structured output." })
  responseFormat?: string | null;

  @Field(() => JsonSchemaFormatInput, { nullable: true })
  jsonSchema?: JsonSchemaFormatInput | null;

  @Field(() => ReasoningInput, { nullable: true })
  reasoning?: ReasoningInput | null;

  @Field(() => String, { nullable: true })
  user?: string | null;
}
