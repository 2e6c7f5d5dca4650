import type { CallOptions, FunctionTool, JsonObject, ReasoningOptions, ToolChoice } from "../../core/call-options.js";
import { invalidRequest } from "../../core/errors.js";
import type { AssistantMessage, CacheControl, Message, TextPart, ToolResultPart, UserPart } from "../../core/prompt.js";
import { redactedReasoningSignature } from "../../core/prompt.js";
import type { ChatRequest } from "../../completions/chat-request.js";
import { providerPreferences } from "../../completions/chat-request-parser.js";
import { chatRequest, invalidBody, requestedModels } from "../../completions/request-fields.js";
import { parseBase64DataUrl } from "../../completions/data-url.js";
import type { AssistantBlock, MessagesBody, UserBlock } from "./messages-request-schema.js";
import { messagesBodySchema } from "./messages-request-schema.js";
import { deepestIssue } from "../deepest-issue.js";

/**
 * Anthropic Messages requests → the core's call options, so any catalog model (OpenAI's, Gemini's as much as
 * Anthropic's) answers them, routed, admitted and billed as chat completions are.
 * https://docs.claude.com/en/api/messages
 *
 * - `system` (a string or text blocks) becomes one system message; a `cache_control` on a block marks it.
 * - A user turn's `tool_result` blocks become a tool message placed before the rest of that turn, as the
 *   core (like OpenAI's format) wants results right after the assistant's calls; images inside a result
 *   follow in the user message, since tool results carry text only.
 * - `thinking` blocks go back with their signature untouched; a text-less one right after a `tool_use` block is
 *   that call's own signature (Gemini's), as the answers put it (see `toolCallSignatureBlock`).
 * - `redacted_thinking` blocks become redacted reasoning (see `REDACTED_REASONING_PREFIX`) and go back intact.
 * - `thinking.budget_tokens` becomes `reasoning.maxTokens`, `output_config.effort` `reasoning.effort`.
 * - The top-level `cache_control` (automatic caching) marks the last cacheable block of the prompt.
 */
export function parseMessagesRequest(raw: unknown): ChatRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidRequest("The request body must be a JSON object");
  const parsed = messagesBodySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidBody(issue === undefined ? undefined : deepestIssue(issue));
  }
  const body = parsed.data;
  if (body.fallbacks != null && body.fallbacks.length > 0 && body.models !== undefined) {
    throw invalidRequest("fallbacks cannot be combined with models", "fallbacks");
  }
  const models = requestedModels([body.model, ...(body.models ?? []), ...(body.fallbacks ?? []).map((entry) => entry.model)]);

  const prompt: Message[] = [];
  const system = systemMessage(body.system);
  if (system !== undefined) prompt.push(system);
  const toolNames = new Map<string, string>();
  body.messages.forEach((entry, index) => {
    if (entry.role === "assistant") prompt.push(assistantMessage(entry.content, toolNames));
    else prompt.push(...userMessages(entry.content, index, toolNames));
  });
  if (body.cache_control != null) markLastCacheable(prompt, body.cache_control);

  const options: Omit<CallOptions, "abortSignal"> = { prompt };
  if (body.max_tokens !== undefined) options.maxOutputTokens = body.max_tokens;
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  if (body.top_k != null) options.topK = body.top_k;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) options.stopSequences = body.stop_sequences;
  const tools = convertTools(body.tools);
  if (tools !== undefined) options.tools = tools;
  const choice = convertToolChoice(body.tool_choice, tools);
  if (choice !== undefined) options.toolChoice = choice;
  if (body.tool_choice !== undefined && "disable_parallel_tool_use" in body.tool_choice && body.tool_choice.disable_parallel_tool_use === true) {
    options.parallelToolCalls = false;
  }
  const reasoning = reasoningOptions(body);
  if (reasoning !== undefined) options.reasoning = reasoning;
  const format = body.output_config?.format;
  if (format != null) options.responseFormat = { type: "json_schema", name: "output", schema: format.schema as JsonObject };
  const user = body.metadata?.user_id ?? body.user;
  if (user !== undefined) options.user = user;

  return chatRequest({
    models,
    options,
    stream: body.stream === true,
    usedParameters: usedParameters(body),
    provider: providerPreferences(body.provider),
    user,
    apiType: "messages",
  });
}

function cacheOf(block: { cache_control?: CacheControl | null | undefined }): CacheControl | undefined {
  return block.cache_control ?? undefined;
}

function textPart(text: string, cacheControl: CacheControl | undefined): TextPart {
  return cacheControl === undefined ? { type: "text", text } : { type: "text", text, cacheControl };
}

function systemMessage(system: MessagesBody["system"]): Message | undefined {
  if (system === undefined) return undefined;
  if (typeof system === "string") return system.length === 0 ? undefined : { role: "system", content: system };
  if (system.length === 0) return undefined;
  const cache = system.findLast((block) => block.cache_control != null)?.cache_control ?? undefined;
  const content = system.map((block) => block.text).join("\n");
  return cache === undefined ? { role: "system", content } : { role: "system", content, cacheControl: cache };
}

function imagePart(source: Extract<UserBlock, { type: "image" }>["source"]): UserPart {
  if (source.type === "base64") return { type: "image", image: { kind: "base64", mediaType: source.media_type, data: source.data } };
  const dataUrl = parseBase64DataUrl(source.url);
  return dataUrl === undefined ? { type: "image", image: { kind: "url", url: source.url } } : { type: "image", image: { kind: "base64", ...dataUrl } };
}

function documentPart(block: Extract<UserBlock, { type: "document" }>): UserPart {
  const named = block.title == null ? {} : { filename: block.title };
  const source = block.source;
  if (source.type === "base64") return { type: "file", mediaType: "application/pdf", file: { kind: "base64", data: source.data }, ...named };
  if (source.type === "url") return { type: "file", mediaType: "application/pdf", file: { kind: "url", url: source.url }, ...named };
  return { type: "file", mediaType: "text/plain", file: { kind: "base64", data: Buffer.from(source.data, "utf8").toString("base64") }, ...named };
}

/** One user turn: its tool results as a tool message first, then whatever else it holds as a user message. */
function userMessages(content: string | UserBlock[], index: number, toolNames: Map<string, string>): Message[] {
  if (typeof content === "string") return [{ role: "user", content: [{ type: "text", text: content }] }];
  const results: ToolResultPart[] = [];
  const parts: UserPart[] = [];
  for (const block of content) {
    switch (block.type) {
      case "text":
        parts.push(textPart(block.text, cacheOf(block)));
        break;
      case "image":
        parts.push(imagePart(block.source));
        break;
      case "document":
        parts.push(documentPart(block));
        break;
      case "tool_result": {
        const blocks = typeof block.content === "string" ? [{ type: "text" as const, text: block.content }] : (block.content ?? []);
        const output = blocks.flatMap((inner) => (inner.type === "text" ? [inner.text] : [])).join("\n");
        for (const inner of blocks) if (inner.type === "image") parts.push(imagePart(inner.source));
        const toolName = toolNames.get(block.tool_use_id);
        results.push({
          type: "tool-result",
          toolCallId: block.tool_use_id,
          output: block.is_error === true ? `Error: ${output}` : output,
          ...(toolName === undefined ? {} : { toolName }),
        });
        break;
      }
    }
  }
  const messages: Message[] = [];
  if (results.length > 0) messages.push({ role: "tool", content: results });
  if (parts.length > 0) messages.push({ role: "user", content: parts });
  if (messages.length === 0) throw invalidRequest("A user message must have content", `messages[${index}].content`);
  return messages;
}

function assistantMessage(content: string | AssistantBlock[], toolNames: Map<string, string>): Message {
  if (typeof content === "string") return { role: "assistant", content: [{ type: "text", text: content }] };
  const parts: AssistantMessage["content"] = [];
  for (const block of content) {
    switch (block.type) {
      case "text":
        parts.push(textPart(block.text, cacheOf(block)));
        break;
      case "thinking": {
        // A text-less thinking block right after a tool call is that call's own signature (toolCallSignatureBlock).
        const previous = parts.at(-1);
        if (block.thinking.length === 0 && block.signature.length > 0 && previous?.type === "tool-call" && previous.signature === undefined) {
          previous.signature = block.signature;
          break;
        }
        parts.push({ type: "reasoning", text: block.thinking, ...(block.signature.length === 0 ? {} : { signature: block.signature }) });
        break;
      }
      case "redacted_thinking":
        parts.push({ type: "reasoning", text: "", signature: redactedReasoningSignature(block.data) });
        break;
      case "tool_use":
        toolNames.set(block.id, block.name);
        parts.push({ type: "tool-call", toolCallId: block.id, toolName: block.name, input: JSON.stringify(block.input) });
        break;
    }
  }
  return { role: "assistant", content: parts };
}

/** Automatic caching: the breakpoint goes on the last system message or user text, where the core can carry it. */
function markLastCacheable(prompt: Message[], cacheControl: CacheControl): void {
  for (let index = prompt.length - 1; index >= 0; index -= 1) {
    const message = prompt[index];
    if (message?.role === "system") {
      message.cacheControl ??= cacheControl;
      return;
    }
    if (message?.role === "user") {
      const text = message.content.findLast((part) => part.type === "text");
      if (text !== undefined) {
        text.cacheControl ??= cacheControl;
        return;
      }
    }
  }
}

function convertTools(tools: MessagesBody["tools"]): FunctionTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.input_schema as JsonObject,
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
  }));
}

function convertToolChoice(choice: MessagesBody["tool_choice"], tools: FunctionTool[] | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case "auto":
    case "none":
      return { type: choice.type };
    case "any":
      return { type: "required" };
    case "tool":
      if (!tools?.some((tool) => tool.name === choice.name)) throw invalidRequest(`tool_choice names "${choice.name}", which is not in tools`, "tool_choice.name");
      return { type: "tool", toolName: choice.name };
  }
}

/** Anthropic's thinking (and effort) as the core's unified reasoning options. */
function reasoningOptions(body: MessagesBody): ReasoningOptions | undefined {
  const effort = body.output_config?.effort;
  const unifiedEffort = effort === undefined ? undefined : effort === "xhigh" || effort === "max" ? "high" : effort;
  const thinking = body.thinking;
  if (thinking?.type === "disabled") return { enabled: false };
  if (thinking?.type === "enabled") {
    if (body.max_tokens !== undefined && thinking.budget_tokens >= body.max_tokens) throw invalidRequest("thinking.budget_tokens must be less than max_tokens", "thinking.budget_tokens");
    return { enabled: true, maxTokens: thinking.budget_tokens, ...(unifiedEffort === undefined ? {} : { effort: unifiedEffort }) };
  }
  if (thinking?.type === "adaptive") return { enabled: true, ...(unifiedEffort === undefined ? {} : { effort: unifiedEffort }) };
  return unifiedEffort === undefined ? undefined : { effort: unifiedEffort };
}

/** Parameter names (OpenAI spelling, as the catalog lists them) the request uses, for `provider.require_parameters`. */
function usedParameters(body: MessagesBody): string[] {
  const used = body.max_tokens === undefined ? [] : ["max_tokens"];
  if (body.temperature != null) used.push("temperature");
  if (body.top_p != null) used.push("top_p");
  if (body.top_k != null) used.push("top_k");
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) used.push("stop");
  if (body.tools !== undefined && body.tools.length > 0) used.push("tools");
  if (body.tool_choice !== undefined) used.push("tool_choice");
  if ((body.thinking !== undefined && body.thinking.type !== "disabled") || body.output_config?.effort !== undefined) used.push("reasoning");
  if (body.output_config?.format != null) used.push("response_format", "structured_outputs");
  return used;
}
