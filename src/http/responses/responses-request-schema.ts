import { z } from "zod";
import { MAX_TOKENS_LIMIT, providerPreferencesSchema } from "../../completions/chat-request-parser.js";
import { limitedJsonObject } from "../../completions/json-shape-limits.js";

/**
 * The body of `POST /api/v1/responses`: OpenAI's Responses `ResponseCreateParams` as OpenRouter serves it
 * (stateless; `models` and `provider` added). Lenient where OpenAI adds fields faster than a gateway follows
 * (unknown fields, item `id`s and `status`es are ignored), strict where a wrong value would change the answer.
 * https://platform.openai.com/docs/api-reference/responses/create and https://openrouter.ai/docs/api-reference/responses
 */

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1, { error: "is required (uploaded file ids are not supported)" }),
  detail: z.enum(["auto", "low", "high"]).nullish(),
});
const inputFile = z.object({
  type: z.literal("input_file"),
  file_data: z.string().min(1).nullish(),
  file_url: z.string().min(1).nullish(),
  filename: z.string().nullish(),
});
const outputText = z.object({ type: z.literal("output_text"), text: z.string() });
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });

export const inputPartSchema = z.discriminatedUnion("type", [inputText, inputImage, inputFile, outputText, refusal]);

const messageItem = z.object({
  type: z.literal("message"),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(inputPartSchema)]),
});

const functionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

const functionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(inputPartSchema)]),
});

const reasoningItem = z.object({
  type: z.literal("reasoning"),
  summary: z.array(z.object({ type: z.literal("summary_text"), text: z.string() })).optional(),
  content: z.array(z.object({ type: z.literal("reasoning_text"), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});

/**
 * Items are told apart by `type`; a message may leave it out (an "easy input message"), so it is filled in first
 * and a bad item is reported at the field that is wrong, not as a failed union.
 */
export const inputItemSchema = z.preprocess(
  (item) => (typeof item === "object" && item !== null && !Array.isArray(item) && !("type" in item) ? { ...item, type: "message" } : item),
  z.discriminatedUnion("type", [messageItem, functionCallItem, functionCallOutputItem, reasoningItem]),
);

const functionTool = z.object({
  type: z.literal("function"),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes"),
  description: z.string().nullish(),
  parameters: limitedJsonObject.nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([z.enum(["auto", "none", "required"]), z.object({ type: z.literal("function"), name: z.string().min(1) })]);

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes"),
    schema: limitedJsonObject,
    strict: z.boolean().nullish(),
    description: z.string().nullish(),
  }),
]);

const reasoning = z.object({
  effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
  summary: z.enum(["auto", "concise", "detailed"]).nullish(),
  /** OpenRouter's extras, as on chat completions. */
  max_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullish(),
  enabled: z.boolean().nullish(),
  exclude: z.boolean().nullish(),
});

export const responsesBodySchema = z.object({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).max(10).optional(),
  input: z.union([z.string(), z.array(inputItemSchema).min(1)]),
  instructions: z.string().nullish(),
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: textFormat.nullish() }).nullish(),
  reasoning: reasoning.nullish(),
  max_output_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT, { error: `must be at most ${MAX_TOKENS_LIMIT}` }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).max(MAX_TOKENS_LIMIT).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  stream: z.boolean().nullish(),
  /** Stateless: only false (or absent) is accepted; the parser says why. */
  store: z.boolean().nullish(),
  previous_response_id: z.unknown().optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  user: z.string().max(256).optional(),
  safety_identifier: z.string().max(256).nullish(),
  provider: providerPreferencesSchema.optional(),
});

export type ResponsesBody = z.infer<typeof responsesBodySchema>;
export type InputItem = z.infer<typeof inputItemSchema>;
export type InputPart = z.infer<typeof inputPartSchema>;
