import type { ReasoningPart } from "../core/prompt.js";
import type { GeneratedContent } from "../core/language-model.js";

/**
 * OpenRouter's `reasoning_details`: the reasoning a model produced, with the opaque signatures some providers
 * need back on the next turn to continue a tool-calling conversation (Anthropic's thinking signatures,
 * Gemini's `thoughtSignature` on function calls). Clients send the assistant message back as they got it,
 * `reasoning_details` included; these two functions are the only place that knows the wire shape.
 *
 * - reasoning (with its signature, when the provider gave one) ↔ `{type:"reasoning.text", text, signature}`;
 * - a tool call's signature ↔ `{type:"reasoning.encrypted", id: <tool call id>, data: <signature>}`.
 *
 * https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks
 */
export type ReasoningDetail =
  | { type: "reasoning.text"; text: string; signature: string | null; index: number }
  | { type: "reasoning.encrypted"; id: string; data: string; index: number };

/** A reasoning entry: a block of reasoning text (or, streamed, a piece of one) and its signature once known. */
export function reasoningTextDetail(text: string, signature: string | undefined, index: number): ReasoningDetail {
  return { type: "reasoning.text", text, signature: signature ?? null, index };
}

/** An encrypted entry carrying the signature of the tool call with this id. */
export function toolCallSignatureDetail(toolCallId: string, signature: string, index: number): ReasoningDetail {
  return { type: "reasoning.encrypted", id: toolCallId, data: signature, index };
}

/** The `reasoning_details` of an answer, in the order the content was produced; empty when there is nothing to carry. */
export function reasoningDetailsOf(content: readonly GeneratedContent[]): ReasoningDetail[] {
  const details: ReasoningDetail[] = [];
  for (const part of content) {
    if (part.type === "reasoning" && (part.text.length > 0 || part.signature !== undefined)) {
      details.push(reasoningTextDetail(part.text, part.signature, details.length));
    } else if (part.type === "tool-call" && part.signature !== undefined) {
      details.push(toolCallSignatureDetail(part.toolCallId, part.signature, details.length));
    }
  }
  return details;
}

/** One inbound entry, loosely typed: clients may send entries of kinds the gateway does not use. */
export interface InboundReasoningDetail {
  type: string;
  [field: string]: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * The reasoning parts an assistant message's `reasoning_details` describes, and the signatures it holds for
 * the message's tool calls by call id. Text and summary entries become reasoning parts (replacing the plain
 * `reasoning` string, which repeats them); encrypted entries addressed to a tool call sign that call. Entries
 * of other kinds, or encrypted entries for no known call, are ignored.
 */
export function readReasoningDetails(details: readonly InboundReasoningDetail[]): { reasoning: ReasoningPart[]; toolCallSignatures: Map<string, string> } {
  const reasoning: ReasoningPart[] = [];
  const toolCallSignatures = new Map<string, string>();
  for (const detail of details) {
    if (detail.type === "reasoning.text" || detail.type === "reasoning.summary") {
      const body = text(detail.text) ?? text(detail.summary) ?? "";
      const signature = text(detail.signature);
      if (body.length > 0 || signature !== undefined) reasoning.push({ type: "reasoning", text: body, ...(signature === undefined ? {} : { signature }) });
    } else if (detail.type === "reasoning.encrypted") {
      const id = text(detail.id);
      const data = text(detail.data);
      if (id !== undefined && data !== undefined) toolCallSignatures.set(id, data);
    }
  }
  return { reasoning, toolCallSignatures };
}
