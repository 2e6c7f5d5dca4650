import type { CacheControl, CallWarning, ImagePart, JsonValue, Prompt, ReasoningPart } from "../../core/index.js";
import { REDACTED_REASONING_PREFIX } from "../../core/index.js";
import { documentSource } from "./anthropic-document.js";
import type { AnthropicAssistantBlock, AnthropicImageSource, AnthropicMessageParam, AnthropicTextBlock, AnthropicUserBlock } from "./anthropic-api.js";

/**
 * Redacted thinking (encrypted reasoning the API hides) has no text, only opaque `data` that must be passed
 * back unmodified. The gateway's `ReasoningPart` carries it as an empty text with the core's redacted-reasoning
 * prefix on the signature (see `REDACTED_REASONING_PREFIX`).
 * https://docs.claude.com/en/docs/build-with-claude/extended-thinking#thinking-redaction
 */
export const REDACTED_THINKING_PREFIX = REDACTED_REASONING_PREFIX;

export interface AnthropicPrompt {
  system: AnthropicTextBlock[] | undefined;
  messages: AnthropicMessageParam[];
  warnings: CallWarning[];
}

/**
 * The gateway prompt → Anthropic's `system` plus alternating `user`/`assistant` messages.
 * https://docs.claude.com/en/api/messages#body-messages
 *
 * - System messages, wherever they are, become top-level `system` text blocks (in order): the Messages API
 *   has no portable system role inside `messages`.
 * - A caller's `cache_control` on a system message or a user text part becomes the block's `cache_control`
 *   (a prompt-cache breakpoint): https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 * - Tool results become `tool_result` blocks in a user message, placed before any text of that turn (the API
 *   rejects text ahead of them): https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 * - Consecutive messages of the same role are merged into one turn, as the API would do itself, so tool
 *   results and a following user text share one user message.
 * - Empty text blocks are dropped (the API rejects them), and so are messages left with no content.
 * - Reasoning with a signature goes back as a `thinking` block, unmodified, as the API requires in tool
 *   loops; reasoning without one (from another provider) cannot be verified by Anthropic and is dropped.
 * - The final assistant message (a prefill) loses trailing whitespace, which the API rejects.
 */
export function convertToAnthropicMessages(prompt: Prompt): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  const warnings: CallWarning[] = [];
  let droppedUnsignedReasoning = false;

  const append = (message: AnthropicMessageParam) => {
    if (message.content.length === 0) return;
    const last = messages[messages.length - 1];
    if (last?.role === "user" && message.role === "user") last.content.push(...message.content);
    else if (last?.role === "assistant" && message.role === "assistant") last.content.push(...message.content);
    else messages.push(message);
  };

  for (const message of prompt) {
    switch (message.role) {
      case "system":
        if (message.content.trim().length > 0) system.push(textBlock(message.content, message.cacheControl));
        break;
      case "user": {
        const content: AnthropicUserBlock[] = [];
        for (const part of message.content) {
          if (part.type === "text") {
            if (part.text.trim().length > 0) content.push(textBlock(part.text, part.cacheControl));
          } else if (part.type === "file") {
            content.push({ type: "document", source: documentSource(part), ...(part.filename === undefined ? {} : { title: part.filename }) });
          } else {
            content.push({ type: "image", source: imageSource(part) });
          }
        }
        append({ role: "user", content });
        break;
      }
      case "assistant": {
        const content: AnthropicAssistantBlock[] = [];
        for (const part of message.content) {
          if (part.type === "text") {
            if (part.text.trim().length > 0) content.push({ type: "text", text: part.text });
          } else if (part.type === "reasoning") {
            const block = thinkingBlock(part);
            if (block === undefined) droppedUnsignedReasoning = true;
            else content.push(block);
          } else {
            content.push({ type: "tool_use", id: part.toolCallId, name: part.toolName, input: parseToolInput(part.input) });
          }
        }
        append({ role: "assistant", content });
        break;
      }
      case "tool":
        append({
          role: "user",
          content: message.content.map((part): AnthropicUserBlock =>
            part.output.length > 0
              ? { type: "tool_result", tool_use_id: part.toolCallId, content: part.output }
              : { type: "tool_result", tool_use_id: part.toolCallId },
          ),
        });
        break;
    }
  }

  for (const message of messages) {
    if (message.role === "user") message.content = toolResultsFirst(message.content);
  }
  trimFinalAssistant(messages);
  if (droppedUnsignedReasoning) {
    warnings.push({ type: "other", message: "Reasoning without an Anthropic signature was left out of the conversation sent to Anthropic." });
  }
  return { system: system.length > 0 ? system : undefined, messages, warnings };
}

/** A text block, with the caller's cache breakpoint when it set one. */
function textBlock(text: string, cacheControl: CacheControl | undefined): AnthropicTextBlock {
  return cacheControl === undefined ? { type: "text", text } : { type: "text", text, cache_control: { ...cacheControl } };
}

function thinkingBlock(part: ReasoningPart): AnthropicAssistantBlock | undefined {
  if (part.signature === undefined || part.signature.length === 0) return undefined;
  if (part.signature.startsWith(REDACTED_THINKING_PREFIX)) {
    return { type: "redacted_thinking", data: part.signature.slice(REDACTED_THINKING_PREFIX.length) };
  }
  return { type: "thinking", thinking: part.text, signature: part.signature };
}

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*?)(;base64)?,(.*)$/s;

/**
 * An image as Anthropic's `source`: `data:` URLs are unpacked into base64 with their media type, other URLs
 * are sent for Anthropic to fetch. https://docs.claude.com/en/docs/build-with-claude/vision
 */
export function imageSource(part: ImagePart): AnthropicImageSource {
  if (part.image.kind === "base64") return { type: "base64", media_type: part.image.mediaType, data: part.image.data };
  const match = DATA_URL.exec(part.image.url);
  if (match === null) return { type: "url", url: part.image.url };
  const [, mediaType = "", , base64Flag, payload = ""] = match;
  const data = base64Flag === undefined ? Buffer.from(decodeURIComponent(payload)).toString("base64") : payload;
  return { type: "base64", media_type: mediaType, data };
}

/**
 * Tool call arguments are JSON text in the gateway and an object in Anthropic's `tool_use.input`. Text that
 * is not a JSON object (a truncated call) becomes `{}`, since the API accepts only objects there.
 */
export function parseToolInput(input: string): JsonValue {
  try {
    const parsed: unknown = JSON.parse(input);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonValue) : {};
  } catch {
    return {};
  }
}

function toolResultsFirst(content: AnthropicUserBlock[]): AnthropicUserBlock[] {
  return [...content.filter((block) => block.type === "tool_result"), ...content.filter((block) => block.type !== "tool_result")];
}

/** "final assistant content cannot end with trailing whitespace": trim the prefill's last text block. */
function trimFinalAssistant(messages: AnthropicMessageParam[]): void {
  const last = messages[messages.length - 1];
  if (last?.role !== "assistant") return;
  const lastBlock = last.content[last.content.length - 1];
  if (lastBlock?.type === "text") lastBlock.text = lastBlock.text.trimEnd();
}
