import { z } from "zod";

/**
 * Lenient schemas for the parts of Chat Completions answers the adapter reads, for OpenAI and the vendors
 * that copy its format. Only used fields are listed; everything is optional or nullable where some vendor
 * leaves it out. https://platform.openai.com/docs/api-reference/chat/object
 */

/** https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage */
export const openAIUsageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z
    .object({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish() })
    .nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
  /** DeepSeek's cache-hit count, sent instead of `prompt_tokens_details`. https://api-docs.deepseek.com/api/create-chat-completion */
  prompt_cache_hit_tokens: z.number().nullish(),
});
export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

const toolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

/** Non-streamed answer. https://platform.openai.com/docs/api-reference/chat/object */
export const openAIChatResponseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          /** DeepSeek, vLLM, xAI. */
          reasoning_content: z.string().nullish(),
          /** OpenRouter, Groq, Ollama. */
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: openAIUsageSchema.nullish(),
});
export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;

/** An error sent inside a 200 stream. https://platform.openai.com/docs/guides/error-codes */
export const openAIErrorChunkSchema = z.object({
  error: z.union([
    z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }),
    z.string(),
  ]),
});

/** One streamed chunk. https://platform.openai.com/docs/api-reference/chat-streaming/streaming */
export const openAIChatChunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  /** Required by OpenAI; Mistral sends whole calls without it. */
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
});
export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;

/** Either an error or a chunk: the error is checked first, as the official client does. */
export const openAIStreamEventSchema = z.union([openAIErrorChunkSchema, openAIChatChunkSchema]);
export type OpenAIStreamEvent = z.infer<typeof openAIStreamEventSchema>;

/*
 * Request types: what the adapter sends. https://platform.openai.com/docs/api-reference/chat/create
 */

export type OpenAIContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } }
  /** https://platform.openai.com/docs/guides/pdf-files */
  | { type: "file"; file: { filename?: string; file_data: string } }
  /** https://platform.openai.com/docs/guides/audio */
  | { type: "input_audio"; input_audio: { data: string; format: string } };

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type OpenAIMessage =
  | { role: "system" | "developer"; content: string }
  | { role: "user"; content: string | OpenAIContentPart[] }
  | { role: "assistant"; content: string | null; tool_calls?: OpenAIToolCall[]; reasoning_content?: string }
  | { role: "tool"; tool_call_id: string; content: string };

export type OpenAIToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; description?: string; schema: unknown; strict?: boolean } };

/** The request body. Vendor-specific sampling fields (`top_k`, `random_seed`, ...) are added by name. */
export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  stop?: string[];
  response_format?: OpenAIResponseFormat;
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters: unknown; strict?: boolean } }>;
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  reasoning?: { effort?: string; max_tokens?: number; exclude?: boolean; enabled?: boolean };
  user?: string;
  [vendorField: string]: unknown;
}
