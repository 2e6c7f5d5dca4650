import type { CallOptions, FunctionTool, JsonObject, ReasoningEffort, ReasoningOptions, ResponseFormat, ToolChoice } from "../../core/call-options.js";
import { invalidRequest } from "../../core/errors.js";
import type { AssistantMessage, Message, ToolResultPart, UserPart } from "../../core/prompt.js";
import { REDACTED_REASONING_PREFIX } from "../../core/prompt.js";
import type { ChatRequest } from "../../completions/chat-request.js";
import { providerPreferences } from "../../completions/chat-request-parser.js";
import { fieldName } from "../../completions/request-fields.js";
import { parseBase64DataUrl } from "../../completions/data-url.js";
import { parseFilePart } from "../../completions/file-parts.js";
import type { InputItem, InputPart, ResponsesBody } from "./responses-request-schema.js";
import { responsesBodySchema } from "./responses-request-schema.js";
import type { ResponseEcho } from "./responses-response.js";
import { deepestIssue } from "../deepest-issue.js";

/**
 * OpenAI Responses requests → the core's call options, so any catalog model answers them, routed, admitted
 * and billed as chat completions are. Stateless, as OpenRouter's: nothing is stored, so `previous_response_id`
 * and `store: true` are refused with a 400 that says to resend the history in `input`.
 * https://platform.openai.com/docs/api-reference/responses/create
 *
 * - `instructions` and `system`/`developer` items become system messages.
 * - Consecutive `function_call` and `reasoning` items (and assistant messages) form one assistant turn, as the
 *   output of one response does; consecutive `function_call_output` items form one tool message.
 * - A `reasoning` item goes back with its `encrypted_content` as the signature; one with no summary right after
 *   a `function_call` is that call's own signature (Gemini's), as the answers put it (see `callSignatureItem`).
 */
export function parseResponsesRequest(raw: unknown): ParsedResponsesRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidRequest("The request body must be a JSON object");
  const parsed = responsesBodySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const precise = issue === undefined ? undefined : deepestIssue(issue);
    const field = precise === undefined ? undefined : fieldName(precise.path);
    throw invalidRequest(`Invalid ${field ?? "request"}: ${precise?.message ?? "malformed"}`, field);
  }
  const body = parsed.data;
  if (body.previous_response_id != null) {
    throw invalidRequest("previous_response_id is not supported: this Responses API is stateless and stores no responses; send the whole conversation in input", "previous_response_id");
  }
  if (body.store === true) throw invalidRequest("store: true is not supported: this Responses API is stateless and stores no responses; leave store unset or false", "store");
  const models = [body.model, ...(body.models ?? [])].filter((id): id is string => id !== undefined).filter((id, index, all) => all.indexOf(id) === index);
  if (models.length === 0) throw invalidRequest("No model given: set model (or models)", "model");

  const prompt: Message[] = [];
  if (body.instructions != null && body.instructions.length > 0) prompt.push({ role: "system", content: body.instructions });
  if (typeof body.input === "string") prompt.push({ role: "user", content: [{ type: "text", text: body.input }] });
  else body.input.forEach((item, index) => addItem(prompt, item, `input[${index}]`));
  if (!prompt.some((message) => message.role !== "system")) throw invalidRequest("input must hold at least one message that is not a system message", "input");

  const options: Omit<CallOptions, "abortSignal"> = { prompt };
  if (body.max_output_tokens != null) options.maxOutputTokens = body.max_output_tokens;
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  if (body.top_k != null) options.topK = body.top_k;
  if (body.frequency_penalty != null) options.frequencyPenalty = body.frequency_penalty;
  if (body.presence_penalty != null) options.presencePenalty = body.presence_penalty;
  const tools = convertTools(body.tools);
  if (tools !== undefined) options.tools = tools;
  const choice = convertToolChoice(body.tool_choice, tools);
  if (choice !== undefined) options.toolChoice = choice;
  if (body.parallel_tool_calls != null) options.parallelToolCalls = body.parallel_tool_calls;
  const format = responseFormat(body);
  if (format !== undefined) options.responseFormat = format;
  const reasoning = reasoningOptions(body.reasoning);
  if (reasoning !== undefined) options.reasoning = reasoning;
  const user = body.safety_identifier ?? body.user;
  if (user !== undefined) options.user = user;

  const chatRequest: ChatRequest = {
    models,
    options,
    stream: body.stream === true,
    usedParameters: usedParameters(body),
    provider: providerPreferences(body.provider),
    ...(user === undefined ? {} : { user }),
    apiType: "responses",
  };
  return { chatRequest, echo: responseEcho(body) };
}

/** A parsed Responses request: what the core runs, and what the Response repeats back of the request. */
export interface ParsedResponsesRequest {
  chatRequest: ChatRequest;
  echo: ResponseEcho;
}

/** The request's settings as the Response object repeats them (OpenAI fills every field, `null` where unset). */
function responseEcho(body: ResponsesBody): ResponseEcho {
  return {
    instructions: body.instructions ?? null,
    tools: (body.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    tool_choice: body.tool_choice ?? "auto",
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    presence_penalty: body.presence_penalty ?? null,
    frequency_penalty: body.frequency_penalty ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? null,
    text: { format: body.text?.format ?? { type: "text" } },
    reasoning: body.reasoning == null ? null : { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null },
  };
}

/** The assistant message being built: the last one, when the prompt ends with it, or a new one. */
function assistantTurn(prompt: Message[]): AssistantMessage {
  const last = prompt.at(-1);
  if (last?.role === "assistant") return last;
  const message: AssistantMessage = { role: "assistant", content: [] };
  prompt.push(message);
  return message;
}

function addItem(prompt: Message[], item: InputItem, path: string): void {
  if (item.type === "message") {
    const message = item; // narrowed: a message item (type-less ones were given their type by the schema)
    if (message.role === "system" || message.role === "developer") {
      const text = typeof message.content === "string" ? message.content : message.content.map((part) => textOf(part, `${path}.content`)).join("\n");
      if (text.length > 0) prompt.push({ role: "system", content: text });
      return;
    }
    if (message.role === "assistant") {
      const parts = typeof message.content === "string" ? [message.content] : message.content.map((part) => textOf(part, `${path}.content`));
      const turn = assistantTurn(prompt);
      for (const text of parts) if (text.length > 0) turn.content.push({ type: "text", text });
      return;
    }
    const content = typeof message.content === "string" ? [{ type: "text" as const, text: message.content }] : message.content.map((part, index) => userPart(part, `${path}.content[${index}]`));
    if (content.length === 0) throw invalidRequest("A user message must have content", `${path}.content`);
    prompt.push({ role: "user", content });
    return;
  }
  switch (item.type) {
    case "function_call":
      assistantTurn(prompt).content.push({ type: "tool-call", toolCallId: item.call_id, toolName: item.name, input: item.arguments });
      return;
    case "function_call_output": {
      const output = typeof item.output === "string" ? item.output : item.output.map((part) => textOf(part, `${path}.output`)).join("\n");
      const result: ToolResultPart = { type: "tool-result", toolCallId: item.call_id, output };
      const toolName = toolNameOf(prompt, item.call_id);
      if (toolName !== undefined) result.toolName = toolName;
      const last = prompt.at(-1);
      if (last?.role === "tool") last.content.push(result);
      else prompt.push({ role: "tool", content: [result] });
      return;
    }
    case "reasoning": {
      const text = (item.summary ?? []).map((entry) => entry.text).join("\n\n") || (item.content ?? []).map((entry) => entry.text).join("");
      const signature = item.encrypted_content ?? undefined;
      const turn = assistantTurn(prompt);
      const previous = turn.content.at(-1);
      // A summary-less reasoning item right after a call carries that call's own signature (callSignatureItem).
      if (text.length === 0 && signature !== undefined && !signature.startsWith(REDACTED_REASONING_PREFIX) && previous?.type === "tool-call" && previous.signature === undefined) {
        previous.signature = signature;
        return;
      }
      if (text.length === 0 && signature === undefined) return;
      turn.content.push({ type: "reasoning", text, ...(signature === undefined ? {} : { signature }) });
      return;
    }
  }
}

/** The name of the function an earlier call of this id called, since some providers (Gemini) address results by name. */
function toolNameOf(prompt: Message[], callId: string): string | undefined {
  for (const message of prompt) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) if (part.type === "tool-call" && part.toolCallId === callId) return part.toolName;
  }
  return undefined;
}

function textOf(part: InputPart, path: string): string {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return part.text;
    case "refusal":
      return part.refusal;
    case "input_image":
    case "input_file":
      throw invalidRequest(`A ${part.type} part is only accepted in a user message`, path);
  }
}

function userPart(part: InputPart, path: string): UserPart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: part.text };
    case "refusal":
      return { type: "text", text: part.refusal };
    case "input_image": {
      const dataUrl = parseBase64DataUrl(part.image_url);
      const detail = part.detail == null ? {} : { detail: part.detail };
      return dataUrl === undefined ? { type: "image", image: { kind: "url", url: part.image_url }, ...detail } : { type: "image", image: { kind: "base64", ...dataUrl }, ...detail };
    }
    case "input_file":
      return parseFilePart({ type: "file", file: { file_data: part.file_data ?? part.file_url ?? undefined, ...(part.filename == null ? {} : { filename: part.filename }) } }, path);
  }
}

function convertTools(tools: ResponsesBody["tools"]): FunctionTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description == null ? {} : { description: tool.description }),
    parameters: (tool.parameters ?? { type: "object", properties: {} }) as JsonObject,
    ...(tool.strict == null ? {} : { strict: tool.strict }),
  }));
}

function convertToolChoice(choice: ResponsesBody["tool_choice"], tools: FunctionTool[] | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === "string") return { type: choice };
  if (!tools?.some((tool) => tool.name === choice.name)) throw invalidRequest(`tool_choice names "${choice.name}", which is not in tools`, "tool_choice.name");
  return { type: "tool", toolName: choice.name };
}

function responseFormat(body: ResponsesBody): ResponseFormat | undefined {
  const format = body.text?.format;
  if (format == null || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    name: format.name,
    schema: format.schema as JsonObject,
    ...(format.strict == null ? {} : { strict: format.strict }),
    ...(format.description == null ? {} : { description: format.description }),
  };
}

/** OpenAI's reasoning settings in the core's unified form: `none` turns reasoning off, `xhigh` is the highest there is. */
function reasoningOptions(reasoning: ResponsesBody["reasoning"]): ReasoningOptions | undefined {
  if (reasoning == null) return undefined;
  const options: ReasoningOptions = {};
  if (reasoning.effort === "none") options.enabled = false;
  else if (reasoning.effort != null) options.effort = (reasoning.effort === "xhigh" ? "high" : reasoning.effort) satisfies ReasoningEffort;
  if (reasoning.max_tokens != null) options.maxTokens = reasoning.max_tokens;
  if (reasoning.enabled != null) options.enabled = reasoning.enabled;
  if (reasoning.exclude != null) options.exclude = reasoning.exclude;
  // A summary asked for alone still asks for reasoning.
  if (reasoning.summary != null && options.enabled === undefined && options.effort === undefined && options.maxTokens === undefined) options.enabled = true;
  return Object.keys(options).length === 0 ? undefined : options;
}

/** Parameter names (OpenAI chat spelling, as the catalog lists them) the request uses, for `provider.require_parameters`. */
function usedParameters(body: ResponsesBody): string[] {
  const used: string[] = [];
  if (body.max_output_tokens != null) used.push("max_tokens");
  if (body.temperature != null) used.push("temperature");
  if (body.top_p != null) used.push("top_p");
  if (body.top_k != null) used.push("top_k");
  if (body.frequency_penalty != null) used.push("frequency_penalty");
  if (body.presence_penalty != null) used.push("presence_penalty");
  if (body.tools !== undefined && body.tools.length > 0) used.push("tools");
  if (body.tool_choice !== undefined) used.push("tool_choice");
  if (body.parallel_tool_calls != null) used.push("parallel_tool_calls");
  if (body.reasoning != null && body.reasoning.effort !== "none") used.push("reasoning");
  const format = body.text?.format;
  if (format?.type === "json_schema") used.push("response_format", "structured_outputs");
  else if (format?.type === "json_object") used.push("response_format");
  return used;
}
