import type { AssistantMessage, FilePart, Prompt, UserMessage, UserPart } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import type { OpenAIContentPart, OpenAIMessage, OpenAIToolCall } from "./openai-api.js";

/** The dialect settings that change how messages are written. */
export interface ConvertMessagesOptions {
  /** `developer` for OpenAI's reasoning models, `system` elsewhere. */
  systemRole: "system" | "developer";
  /** Whether `image_url.detail` may be sent. */
  imageDetail: boolean;
  /** See `OpenAIDialect.assistantReasoningField`. */
  assistantReasoningField?: "reasoning_content";
  /** See `OpenAIDialect.rewriteToolCallId`. */
  rewriteToolCallId?: (id: string) => string;
}

/**
 * The gateway's prompt → Chat Completions `messages`.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 * - a user message of one text part is sent as a plain string (small local servers handle only that);
 * - base64 images become `data:` URLs, the only inline form `image_url` takes;
 * - each tool result becomes its own `tool` message, as the API requires one per `tool_call_id`;
 * - earlier reasoning is dropped unless the dialect asks for it back (OpenAI does not accept it).
 */
export function convertToOpenAIMessages(prompt: Prompt, options: ConvertMessagesOptions): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  const toolCallId = options.rewriteToolCallId ?? ((id: string) => id);
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        messages.push({ role: options.systemRole, content: message.content });
        break;
      case "user":
        messages.push({ role: "user", content: convertUserContent(message, options.imageDetail) });
        break;
      case "assistant":
        messages.push(convertAssistant(message, options, toolCallId));
        break;
      case "tool":
        for (const result of message.content) {
          messages.push({ role: "tool", tool_call_id: toolCallId(result.toolCallId), content: result.output });
        }
        break;
      default:
        assertNever(message);
    }
  }
  return messages;
}

function convertUserContent(message: UserMessage, imageDetail: boolean): string | OpenAIContentPart[] {
  const only = message.content.length === 1 ? message.content[0] : undefined;
  if (only?.type === "text") return only.text;
  return message.content.map((part) => convertUserPart(part, imageDetail));
}

function convertUserPart(part: UserPart, imageDetail: boolean): OpenAIContentPart {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type === "file") return convertFilePart(part);
  const url = part.image.kind === "url" ? part.image.url : `data:${part.image.mediaType};base64,${part.image.data}`;
  return {
    type: "image_url",
    image_url: imageDetail && part.detail !== undefined ? { url, detail: part.detail } : { url },
  };
}

/**
 * Audio goes as `input_audio` with its format (`audio/mp3` → `mp3`); any other file as a `file` part whose
 * `file_data` is a `data:` URL, or the URL itself for a linked file (which OpenRouter and some vendors fetch).
 */
function convertFilePart(part: FilePart): OpenAIContentPart {
  if (part.mediaType.startsWith("audio/") && part.file.kind === "base64") {
    return { type: "input_audio", input_audio: { data: part.file.data, format: part.mediaType.slice("audio/".length) } };
  }
  const fileData = part.file.kind === "url" ? part.file.url : `data:${part.mediaType};base64,${part.file.data}`;
  return { type: "file", file: { ...(part.filename === undefined ? {} : { filename: part.filename }), file_data: fileData } };
}

function convertAssistant(
  message: AssistantMessage,
  options: ConvertMessagesOptions,
  toolCallId: (id: string) => string,
): OpenAIMessage {
  let text = "";
  let reasoning = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        text += part.text;
        break;
      case "reasoning":
        reasoning += part.text;
        break;
      case "tool-call":
        toolCalls.push({ id: toolCallId(part.toolCallId), type: "function", function: { name: part.toolName, arguments: part.input } });
        break;
      default:
        assertNever(part);
    }
  }
  // `content` may be null only when the message carries tool calls.
  const converted: OpenAIMessage = { role: "assistant", content: text.length === 0 && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) converted.tool_calls = toolCalls;
  if (options.assistantReasoningField !== undefined && reasoning.length > 0) converted.reasoning_content = reasoning;
  return converted;
}
