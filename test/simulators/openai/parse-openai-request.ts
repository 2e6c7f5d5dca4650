import { z } from "zod";
import type { NeutralMessage, NeutralRequest } from "../shared/scenario.js";
import { openAIError, type OpenAIErrorObject } from "./openai-errors.js";

/** The request fields the simulator reads and checks. Unknown fields are allowed, as OpenAI allows most. */
const requestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(
      z.object({
        role: z.enum(["system", "developer", "user", "assistant", "tool"]),
        content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()), z.null()]).optional(),
        tool_calls: z
          .array(z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) }))
          .optional(),
        tool_call_id: z.string().optional(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().nullish(),
  max_completion_tokens: z.number().int().nullish(),
  temperature: z.number().nullish(),
  tools: z
    .array(z.object({ type: z.literal("function"), function: z.object({ name: z.string(), parameters: z.unknown().optional() }) }))
    .nullish(),
  tool_choice: z
    .union([z.enum(["auto", "none", "required"]), z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) })])
    .nullish(),
  response_format: z
    .union([
      z.object({ type: z.literal("text") }),
      z.object({ type: z.literal("json_object") }),
      z.object({ type: z.literal("json_schema"), json_schema: z.object({ name: z.string(), schema: z.unknown().optional() }) }),
    ])
    .nullish(),
  reasoning_effort: z.string().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  /** OpenRouter's unified reasoning object, sent by the gateway to OpenRouter-style upstreams. */
  reasoning: z.object({ effort: z.string().optional(), max_tokens: z.number().optional(), enabled: z.boolean().optional() }).loose().nullish(),
});

export interface ParsedOpenAIRequest {
  neutral: NeutralRequest;
  stream: boolean;
  includeUsage: boolean;
}

/** OpenAI's reasoning models, which refuse `max_tokens` and non-default sampling. */
const REASONING_MODEL = /^(o\d|gpt-5)(?!.*-chat)/;

function textOf(content: string | Array<{ type: string; text?: string }> | null | undefined): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
}

/**
 * Checks the conversation shape as OpenAI does: every `tool` message answers a `tool_calls` id of the
 * assistant message before it, and every such id is answered. Returns the error OpenAI would give.
 */
function checkToolPairs(messages: z.infer<typeof requestSchema>["messages"]): OpenAIErrorObject | undefined {
  let open = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (message.role === "tool") {
      if (message.tool_call_id === undefined || !open.has(message.tool_call_id)) {
        return openAIError(
          400,
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      open.delete(message.tool_call_id);
      continue;
    }
    if (open.size > 0) {
      return openAIError(
        400,
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(", ")}`,
        "messages",
      );
    }
    open = new Set((message.tool_calls ?? []).map((call) => call.id));
  }
  return undefined;
}

/** Parses and checks a Chat Completions request; on failure returns the 400 error OpenAI would send. */
export function parseOpenAIRequest(
  body: unknown,
  options: { openAIModelRules: boolean },
): { ok: true; parsed: ParsedOpenAIRequest } | { ok: false; error: OpenAIErrorObject } {
  const result = requestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue === undefined ? null : issue.path.join(".");
    return { ok: false, error: openAIError(400, `Invalid request: ${issue?.message ?? "malformed body"}${param === null ? "" : ` at '${param}'`}`, param) };
  }
  const request = result.data;
  const stream = request.stream === true;
  if (request.stream_options != null && !stream) {
    return { ok: false, error: openAIError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value") };
  }
  const reasoningModel = REASONING_MODEL.test(request.model);
  if (options.openAIModelRules && reasoningModel && request.max_tokens != null) {
    return {
      ok: false,
      error: openAIError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter"),
    };
  }
  if (options.openAIModelRules && reasoningModel && request.temperature != null && request.temperature !== 1) {
    return {
      ok: false,
      error: openAIError(400, `Unsupported value: 'temperature' does not support ${request.temperature} with this model. Only the default (1) value is supported.`, "temperature", "unsupported_value"),
    };
  }
  if (options.openAIModelRules && !reasoningModel && request.reasoning_effort != null) {
    return { ok: false, error: openAIError(400, "Unrecognized request argument supplied: reasoning_effort", "reasoning_effort", "unsupported_parameter") };
  }
  const toolError = checkToolPairs(request.messages);
  if (toolError !== undefined) return { ok: false, error: toolError };

  const messages: NeutralMessage[] = request.messages.map((message) => {
    const role = message.role === "developer" ? "system" : message.role;
    if (message.role === "tool") return { role, text: "", toolOutput: textOf(message.content) };
    const images = Array.isArray(message.content) ? message.content.filter((part) => part.type === "image_url").length : 0;
    return { role, text: textOf(message.content), images };
  });
  const choice = request.tool_choice ?? "auto";
  const format = request.response_format ?? { type: "text" as const };
  const wantsReasoning =
    (request.reasoning_effort != null && request.reasoning_effort !== "none") ||
    (request.reasoning != null && request.reasoning.enabled !== false);
  return {
    ok: true,
    parsed: {
      stream,
      includeUsage: stream && request.stream_options?.include_usage === true,
      neutral: {
        model: request.model,
        messages,
        tools: (request.tools ?? []).map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters ?? { type: "object", properties: {} } })),
        toolChoice: typeof choice === "string" ? choice : { name: choice.function.name },
        responseFormat: format.type === "json_schema" ? { type: "json_schema", schema: format.json_schema.schema } : format,
        maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
        wantsReasoning,
        ...(request.stop == null ? {} : { stopSequences: typeof request.stop === "string" ? [request.stop] : request.stop }),
      },
    },
  };
}
