import { signThinking } from "./anthropic-answer.js";
import { thinkingEnabled, type WireContentBlock, type WireRequest } from "./anthropic-wire-request.js";

/** The API versions the simulator accepts (https://docs.claude.com/en/api/versioning). */
export const KNOWN_VERSIONS = ["2023-06-01", "2026-10-21"] as const;

/**
 * The conversation-shape and parameter rules the real Messages API enforces with a 400
 * `invalid_request_error`, so an adapter that breaks one fails here as it would in production.
 * Returns the error message, or undefined when the request is acceptable. Messages follow the real API's
 * wording where it is known (https://docs.claude.com/en/api/messages, .../build-with-claude/extended-thinking,
 * .../agents-and-tools/tool-use/implement-tool-use).
 */
export function validateAnthropicRequest(request: WireRequest, version: string): string | undefined {
  if (version === "2026-10-21") {
    for (const field of ["temperature", "top_p", "top_k"] as const) {
      if (request[field] !== undefined) return `${field}: Extra inputs are not permitted`;
    }
  }
  if (request.messages.length === 0) return "messages: at least one message is required";
  if (request.tool_choice !== undefined && (request.tools ?? []).length === 0 && request.tool_choice.type !== "none") {
    return "tool_choice: tool_choice may only be specified while providing tools";
  }
  if (request.tool_choice?.type === "tool") {
    const name = request.tool_choice.name;
    if (!(request.tools ?? []).some((tool) => tool.name === name)) return `tool_choice: tool '${name}' not found in tools`;
  }
  return validateThinking(request) ?? validateMessages(request);
}

function validateThinking(request: WireRequest): string | undefined {
  if (request.thinking?.type === "enabled") {
    if (request.thinking.budget_tokens < 1024) return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
    if (request.max_tokens <= request.thinking.budget_tokens) return "`max_tokens` must be greater than `thinking.budget_tokens`.";
  }
  if (!thinkingEnabled(request)) return undefined;
  if (request.temperature !== undefined && request.temperature !== 1) {
    return "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.";
  }
  if (request.top_k !== undefined) return "`top_k` is not supported when thinking is enabled.";
  if (request.tool_choice?.type === "any" || request.tool_choice?.type === "tool") {
    return "Thinking may not be enabled when tool_choice forces tool use.";
  }
  return undefined;
}

function blocksOf(content: string | WireContentBlock[]): WireContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function stringField(block: WireContentBlock, field: string): string | undefined {
  const value = (block as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

function validateMessages(request: WireRequest): string | undefined {
  const thinking = thinkingEnabled(request);
  const lastAssistantIndex = request.messages.map((message) => message.role).lastIndexOf("assistant");
  for (const [index, message] of request.messages.entries()) {
    const blocks = blocksOf(message.content);
    const isFinalAssistant = message.role === "assistant" && index === request.messages.length - 1;
    if (blocks.length === 0 && !isFinalAssistant) return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    for (const block of blocks) {
      if (block.type === "text" && (stringField(block, "text") ?? "").trim().length === 0) {
        return "messages: text content blocks must be non-empty";
      }
      if (message.role === "user" && (block.type === "tool_use" || block.type === "thinking")) {
        return `messages.${index}: \`${block.type}\` blocks can only be in \`assistant\` messages`;
      }
      if (message.role === "assistant" && block.type === "tool_result") {
        return `messages.${index}: \`tool_result\` blocks can only be in \`user\` messages`;
      }
      if (block.type === "thinking" && signThinking(stringField(block, "thinking") ?? "") !== stringField(block, "signature")) {
        return `messages.${index}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
    if (message.role === "assistant") {
      const toolUseIds = blocks.filter((block) => block.type === "tool_use").map((block) => stringField(block, "id") ?? "");
      if (toolUseIds.length > 0) {
        const next = request.messages[index + 1];
        const answered = new Set(
          next === undefined || next.role !== "user"
            ? []
            : blocksOf(next.content)
                .filter((block) => block.type === "tool_result")
                .map((block) => stringField(block, "tool_use_id")),
        );
        const missing = toolUseIds.filter((id) => !answered.has(id));
        if (missing.length > 0) {
          return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
        }
        const first = blocks[0];
        if (thinking && index === lastAssistantIndex && first?.type !== "thinking" && first?.type !== "redacted_thinking") {
          return `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? "nothing"}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`;
        }
      }
    }
    if (message.role === "user") {
      const previous = request.messages[index - 1];
      const offered = new Set(
        previous === undefined || previous.role !== "assistant"
          ? []
          : blocksOf(previous.content)
              .filter((block) => block.type === "tool_use")
              .map((block) => stringField(block, "id")),
      );
      for (const block of blocks) {
        if (block.type !== "tool_result") continue;
        const id = stringField(block, "tool_use_id") ?? "";
        if (!offered.has(id)) {
          return `messages.${index}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
      const firstText = blocks.findIndex((block) => block.type !== "tool_result");
      const lastResult = blocks.map((block) => block.type).lastIndexOf("tool_result");
      if (firstText !== -1 && lastResult > firstText) {
        return `messages.${index}: \`tool_result\` blocks must come before any other content in a \`user\` message`;
      }
    }
  }
  return undefined;
}
