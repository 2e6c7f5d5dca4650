import type { GeneratedContent } from "../../core/index.js";
import { toolCallIdOrNew } from "../shared/tool-call-ids.js";
import type { OpenAIChatResponse } from "./openai-api.js";

/**
 * The first choice of a non-streamed answer → content parts, in the order a stream would produce them:
 * reasoning, text (a refusal is the model's text too), tool calls.
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function convertOpenAIResponseContent(input: {
  response: OpenAIChatResponse;
  includeReasoning: boolean;
  generateId: () => string;
}): GeneratedContent[] {
  const message = input.response.choices[0]?.message;
  if (message === undefined) return [];
  const content: GeneratedContent[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (input.includeReasoning && reasoning != null && reasoning.length > 0) content.push({ type: "reasoning", text: reasoning });
  const text = (message.content ?? "") + (message.refusal ?? "");
  if (text.length > 0) content.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    const argumentsText = call.function.arguments ?? "";
    content.push({
      type: "tool-call",
      toolCallId: toolCallIdOrNew(call.id, input.generateId),
      toolName: call.function.name,
      input: argumentsText.length === 0 ? "{}" : argumentsText,
    });
  }
  return content;
}
