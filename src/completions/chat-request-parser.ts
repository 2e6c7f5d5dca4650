import { z } from "zod";
import type { CallOptions, FunctionTool, JsonObject, ResponseFormat, ToolChoice } from "../core/call-options.js";
import { parseUsd } from "../billing/money.js";
import { usdInput } from "../billing/usd-input.js";
import { invalidRequest } from "../core/errors.js";
import type { AssistantMessage, CacheControl, ImagePart, Message, UserMessage, UserPart } from "../core/prompt.js";
import { parseBase64DataUrl } from "./data-url.js";
import { parseAudioPart, parseFilePart } from "./file-parts.js";
import { limitedJsonObject } from "./json-shape-limits.js";
import { readReasoningDetails } from "./reasoning-details.js";
import { chatRequest, invalidBody, requestedModels } from "./request-fields.js";
import type { ChatRequest, PercentileThresholds, ProviderPreferences } from "./chat-request.js";

/**
 * Parses an OpenAI / OpenRouter chat completion body (and the legacy `prompt` form) into a ChatRequest.
 * Validation is strict where a wrong value would change the answer (types, ranges) and lenient elsewhere:
 * unknown fields are ignored, as OpenRouter does. Errors name the offending field.
 * Reference: https://platform.openai.com/docs/api-reference/chat/create and
 * https://openrouter.ai/docs/api-reference/chat-completion
 */

const cacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const textPart = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl.optional() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.union([z.string(), z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() })]),
});
const anyPart = z.object({ type: z.string() }).passthrough();
const contentParts = z.array(z.union([textPart, imagePart, anyPart]));
const content = z.union([z.string(), contentParts]).nullable().optional();

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function").optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string().default("") }),
});

const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.union([z.string(), z.array(textPart)]) }),
  z.object({ role: z.literal("developer"), content: z.union([z.string(), z.array(textPart)]) }),
  z.object({ role: z.literal("user"), content: z.union([z.string(), contentParts]) }),
  z.object({
    role: z.literal("assistant"),
    content,
    tool_calls: z.array(toolCall).optional(),
    reasoning: z.string().nullable().optional(),
    reasoning_details: z.array(z.object({ type: z.string() }).passthrough()).nullable().optional(),
  }),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: z.union([z.string(), z.array(textPart)]) }),
]);

const functionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes"),
    description: z.string().optional(),
    parameters: limitedJsonObject.optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().min(1),
      schema: limitedJsonObject.optional(),
      strict: z.boolean().nullable().optional(),
      description: z.string().optional(),
    }),
  }),
]);

/**
 * The most tokens a request may ask for (a 32-bit integer, what upstream APIs take): far beyond every context
 * window, and small enough that tokens times the dearest price stays an amount the ledger holds. A
 * max_tokens of 2^53 - 1 made the hold overflow the ledger's bigint (a 500).
 */
export const MAX_TOKENS_LIMIT = 2 ** 31 - 1;
const tokenCount = z.number().int().positive().max(MAX_TOKENS_LIMIT, { error: `must be at most ${MAX_TOKENS_LIMIT}` });

const reasoning = z.object({
  effort: z.enum(["minimal", "low", "medium", "high"]).optional(),
  max_tokens: tokenCount.optional(),
  exclude: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** The highest price ceiling accepted: far above any catalog price, and well inside the amount range. */
const MAX_PRICE_BOUND = parseUsd("1000000");

/** A price ceiling in USD, as a JSON number or a decimal string; kept exact (at most 12 decimals, 0 to $1M). */
const priceBound = usdInput({ maximum: MAX_PRICE_BOUND, strings: true });

const sortBy = z.enum(["price", "throughput", "latency"]);

/** A number (the p50) or an object of p50/p75/p90/p99, each non-negative. */
const percentileThresholds = z.union([
  z.number().nonnegative(),
  z.object({ p50: z.number().nonnegative(), p75: z.number().nonnegative(), p90: z.number().nonnegative(), p99: z.number().nonnegative() }).partial().strict(),
]);

/** OpenRouter's `provider` routing preferences, shared by every inference face. */
export const providerPreferencesSchema = z.object({
  order: z.array(z.string()).optional(),
  only: z.array(z.string()).optional(),
  ignore: z.array(z.string()).optional(),
  allow_fallbacks: z.boolean().optional(),
  require_parameters: z.boolean().optional(),
  sort: z.union([sortBy, z.object({ by: sortBy, partition: z.enum(["model", "none"]).optional() })]).optional(),
  preferred_min_throughput: percentileThresholds.optional(),
  preferred_max_latency: percentileThresholds.optional(),
  data_collection: z.enum(["allow", "deny"]).optional(),
  zdr: z.boolean().optional(),
  quantizations: z.array(z.string().min(1)).optional(),
  max_price: z
    .object({ prompt: priceBound, completion: priceBound, request: priceBound, image: priceBound })
    .partial()
    .passthrough()
    .optional(),
});

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional();

const chatBody = z.object({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).max(10).optional(),
  messages: z.array(message).min(1).optional(),
  prompt: z.string().optional(),
  stream: z.boolean().nullable().optional(),
  max_tokens: tokenCount.nullable().optional(),
  max_completion_tokens: tokenCount.nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  top_k: z.number().int().min(0).max(MAX_TOKENS_LIMIT).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  repetition_penalty: z.number().min(0).max(2).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop,
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  response_format: responseFormat.optional(),
  reasoning: reasoning.optional(),
  include_reasoning: z.boolean().optional(),
  user: z.string().optional(),
  provider: providerPreferencesSchema.optional(),
  /** Legacy: `"fallback"` asked for what `models` now always does (try the next model when one fails). */
  route: z.literal("fallback").nullable().optional(),
});

type ChatBody = z.infer<typeof chatBody>;

function textOf(value: string | Array<{ text: string }>): string {
  return typeof value === "string" ? value : value.map((part) => part.text).join("");
}

/** A system or developer message; a `cache_control` on any of its parts marks the whole (joined) text. */
function systemMessage(value: string | Array<{ text: string; cache_control?: CacheControl | undefined }>): Message {
  const cache = typeof value === "string" ? undefined : value.findLast((part) => part.cache_control !== undefined)?.cache_control;
  return cache === undefined ? { role: "system", content: textOf(value) } : { role: "system", content: textOf(value), cacheControl: cache };
}

function userParts(value: z.infer<typeof contentParts> | string, index: number): UserPart[] {
  if (typeof value === "string") return [{ type: "text", text: value }];
  return value.map((part, partIndex): UserPart => {
    if (part.type === "text" && "text" in part && typeof part.text === "string") {
      if (!("cache_control" in part) || part.cache_control === undefined) return { type: "text", text: part.text };
      const cache = cacheControl.safeParse(part.cache_control);
      if (!cache.success) throw invalidRequest('cache_control must be {"type":"ephemeral"} with an optional ttl of "5m" or "1h"', `messages[${index}].content[${partIndex}].cache_control`);
      return { type: "text", text: part.text, cacheControl: cache.data };
    }
    if (part.type === "image_url" && "image_url" in part) {
      const image = part.image_url as string | { url: string; detail?: "auto" | "low" | "high" };
      const url = typeof image === "string" ? image : image.url;
      const detail = typeof image === "string" ? undefined : image.detail;
      const dataUrl = parseBase64DataUrl(url);
      const imagePartValue: ImagePart = dataUrl ? { type: "image", image: { kind: "base64", ...dataUrl } } : { type: "image", image: { kind: "url", url } };
      if (detail !== undefined) imagePartValue.detail = detail;
      return imagePartValue;
    }
    if (part.type === "file") return parseFilePart(part, `messages[${index}].content[${partIndex}]`);
    if (part.type === "input_audio") return parseAudioPart(part, `messages[${index}].content[${partIndex}]`);
    throw invalidRequest(`Unsupported content part type "${part.type}"`, `messages[${index}].content[${partIndex}].type`);
  });
}

function convertMessages(messages: NonNullable<ChatBody["messages"]>): Message[] {
  const toolNames = new Map<string, string>();
  return messages.map((entry, index): Message => {
    switch (entry.role) {
      case "system":
      case "developer":
        return systemMessage(entry.content);
      case "user":
        return { role: "user", content: userParts(entry.content, index) } satisfies UserMessage;
      case "assistant": {
        const parts: AssistantMessage["content"] = [];
        const details = readReasoningDetails(entry.reasoning_details ?? []);
        if (details.reasoning.length > 0) parts.push(...details.reasoning);
        else if (entry.reasoning) parts.push({ type: "reasoning", text: entry.reasoning });
        const text = entry.content === null || entry.content === undefined ? "" : typeof entry.content === "string" ? entry.content : entry.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
        if (text.length > 0) parts.push({ type: "text", text });
        for (const call of entry.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          const signature = details.toolCallSignatures.get(call.id);
          parts.push({ type: "tool-call", toolCallId: call.id, toolName: call.function.name, input: call.function.arguments, ...(signature === undefined ? {} : { signature }) });
        }
        return { role: "assistant", content: parts };
      }
      case "tool": {
        const toolName = toolNames.get(entry.tool_call_id);
        return {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: entry.tool_call_id, output: textOf(entry.content), ...(toolName === undefined ? {} : { toolName }) }],
        };
      }
    }
  });
}

function convertTools(tools: ChatBody["tools"]): FunctionTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    parameters: (tool.function.parameters ?? { type: "object", properties: {} }) as JsonObject,
    ...(tool.function.strict === undefined || tool.function.strict === null ? {} : { strict: tool.function.strict }),
  }));
}

function convertToolChoice(choice: ChatBody["tool_choice"], tools: FunctionTool[] | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === "string") return { type: choice };
  if (!tools?.some((tool) => tool.name === choice.function.name)) {
    throw invalidRequest(`tool_choice names "${choice.function.name}", which is not in tools`, "tool_choice");
  }
  return { type: "tool", toolName: choice.function.name };
}

function convertResponseFormat(format: ChatBody["response_format"]): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  if (format.type !== "json_schema") return { type: format.type };
  return {
    type: "json_schema",
    name: format.json_schema.name,
    schema: (format.json_schema.schema ?? {}) as JsonObject,
    ...(format.json_schema.strict === undefined || format.json_schema.strict === null ? {} : { strict: format.json_schema.strict }),
    ...(format.json_schema.description === undefined ? {} : { description: format.json_schema.description }),
  };
}

/** Parameter names (OpenAI spelling) that matter for `provider.require_parameters`. */
const ROUTING_PARAMETERS = [
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "frequency_penalty",
  "presence_penalty",
  "repetition_penalty",
  "seed",
  "stop",
  "tools",
  "tool_choice",
  "response_format",
  "reasoning",
] as const;

function usedParameters(body: ChatBody): string[] {
  const used: string[] = [];
  for (const name of ROUTING_PARAMETERS) {
    const value = name === "max_tokens" ? (body.max_tokens ?? body.max_completion_tokens) : body[name];
    if (value !== undefined && value !== null) used.push(name);
  }
  if (body.include_reasoning === true && !used.includes("reasoning")) used.push("reasoning");
  if (body.response_format?.type === "json_schema") used.push("structured_outputs");
  return used;
}

function pickPriceBounds({ prompt, completion, request, image }: NonNullable<NonNullable<ChatBody["provider"]>["max_price"]>): NonNullable<ProviderPreferences["maxPrice"]> {
  return { prompt, completion, request, image };
}

function thresholds(value: z.infer<typeof percentileThresholds>, scale: number): PercentileThresholds {
  if (typeof value === "number") return { p50: value * scale };
  const result: PercentileThresholds = {};
  for (const key of ["p50", "p75", "p90", "p99"] as const) {
    const given = value[key];
    if (given !== undefined) result[key] = given * scale;
  }
  return result;
}

/** The parsed `provider` object as the router's preferences (defaults filled in). */
export function providerPreferences(value: ChatBody["provider"]): ProviderPreferences {
  return {
    ...(value?.order === undefined ? {} : { order: value.order }),
    ...(value?.only === undefined ? {} : { only: value.only }),
    ...(value?.ignore === undefined ? {} : { ignore: value.ignore }),
    allowFallbacks: value?.allow_fallbacks ?? true,
    requireParameters: value?.require_parameters ?? false,
    ...(value?.sort === undefined ? {} : { sort: typeof value.sort === "string" ? { by: value.sort, partition: "model" } : { by: value.sort.by, partition: value.sort.partition ?? "model" } }),
    ...(value?.preferred_min_throughput === undefined ? {} : { preferredMinThroughput: thresholds(value.preferred_min_throughput, 1) }),
    // OpenRouter takes seconds; the health figures are milliseconds.
    ...(value?.preferred_max_latency === undefined ? {} : { preferredMaxLatencyMs: thresholds(value.preferred_max_latency, 1000) }),
    dataCollection: value?.data_collection ?? "allow",
    zdr: value?.zdr ?? false,
    ...(value?.quantizations === undefined ? {} : { quantizations: value.quantizations }),
    // Only the bounds the gateway prices; others OpenRouter knows (audio) are accepted and ignored.
    ...(value?.max_price === undefined ? {} : { maxPrice: pickPriceBounds(value.max_price) }),
  };
}

/** Parses a request body from `/chat/completions` (or `/completions` with `apiType: "completions"`). */
export function parseChatRequest(raw: unknown, apiType: Exclude<ChatRequest["apiType"], "messages" | "responses"> = "chat"): ChatRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidRequest("The request body must be a JSON object");
  const parsed = chatBody.safeParse(raw);
  if (!parsed.success) {
    throw invalidBody(parsed.error.issues[0]);
  }
  const body = parsed.data;
  const models = requestedModels([body.model, ...(body.models ?? [])]);

  let prompt: Message[];
  if (body.messages !== undefined) prompt = convertMessages(body.messages);
  else if (body.prompt !== undefined) prompt = [{ role: "user", content: [{ type: "text", text: body.prompt }] }];
  else throw invalidRequest(apiType === "chat" ? "messages is required" : "prompt is required", apiType === "chat" ? "messages" : "prompt");

  const tools = convertTools(body.tools);
  const options: Omit<CallOptions, "abortSignal"> = { prompt };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) options.maxOutputTokens = maxTokens;
  if (body.temperature !== undefined && body.temperature !== null) options.temperature = body.temperature;
  if (body.top_p !== undefined && body.top_p !== null) options.topP = body.top_p;
  if (body.top_k !== undefined && body.top_k !== null) options.topK = body.top_k;
  if (body.frequency_penalty !== undefined && body.frequency_penalty !== null) options.frequencyPenalty = body.frequency_penalty;
  if (body.presence_penalty !== undefined && body.presence_penalty !== null) options.presencePenalty = body.presence_penalty;
  if (body.repetition_penalty !== undefined && body.repetition_penalty !== null) options.repetitionPenalty = body.repetition_penalty;
  if (body.seed !== undefined && body.seed !== null) options.seed = body.seed;
  if (body.stop !== undefined && body.stop !== null) options.stopSequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (tools !== undefined) options.tools = tools;
  const choice = convertToolChoice(body.tool_choice, tools);
  if (choice !== undefined) options.toolChoice = choice;
  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null) options.parallelToolCalls = body.parallel_tool_calls;
  const format = convertResponseFormat(body.response_format);
  if (format !== undefined) options.responseFormat = format;
  if (body.reasoning !== undefined) {
    options.reasoning = {
      ...(body.reasoning.effort === undefined ? {} : { effort: body.reasoning.effort }),
      ...(body.reasoning.max_tokens === undefined ? {} : { maxTokens: body.reasoning.max_tokens }),
      ...(body.reasoning.exclude === undefined ? {} : { exclude: body.reasoning.exclude }),
      ...(body.reasoning.enabled === undefined ? {} : { enabled: body.reasoning.enabled }),
    };
  } else if (body.include_reasoning !== undefined) {
    // Legacy flag: true asks for reasoning to be returned, false to be hidden.
    options.reasoning = body.include_reasoning ? { enabled: true } : { exclude: true };
  }
  if (body.user !== undefined) options.user = body.user;

  return chatRequest({
    models,
    options,
    stream: body.stream === true,
    usedParameters: usedParameters(body),
    provider: providerPreferences(body.provider),
    user: body.user,
    apiType,
  });
}
