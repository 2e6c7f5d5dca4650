import type { GeneratedContent } from "../core/language-model.js";
import { reasoningDetailsOf, type ReasoningDetail } from "./reasoning-details.js";

/** An answer's content gathered the way both API faces present a message. */
export interface AnswerMessage {
  /** The text parts joined; null when the answer is only tool calls, as OpenAI returns it. */
  content: string | null;
  /** The reasoning parts joined; null when there was none. */
  reasoning: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  reasoningDetails: ReasoningDetail[];
}

/** Gathers an answer's parts into one assistant message (REST's `message`, GraphQL's `ChatMessage`). */
export function answerMessage(content: readonly GeneratedContent[]): AnswerMessage {
  const text = content.filter((part) => part.type === "text").map((part) => part.text).join("");
  const reasoning = content.filter((part) => part.type === "reasoning").map((part) => part.text).join("");
  const toolCalls = content.flatMap((part) => (part.type === "tool-call" ? [{ id: part.toolCallId, name: part.toolName, arguments: part.input }] : []));
  return {
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    reasoning: reasoning.length > 0 ? reasoning : null,
    toolCalls,
    reasoningDetails: reasoningDetailsOf(content),
  };
}
