import type { GatewayError } from "../core/errors.js";
import type { FinishReason } from "../core/finish-reason.js";
import type { StreamPart } from "../core/stream-parts.js";
import { assertNever } from "../core/stream-parts.js";
import type { ReasoningDetail } from "./reasoning-details.js";
import { reasoningTextDetail, toolCallSignatureDetail } from "./reasoning-details.js";

/**
 * What a client of a streamed answer is told, whatever the face (SSE chunks, GraphQL subscription events):
 * the core's stream parts with the bookkeeping every face needs done once, here: tool calls numbered in the
 * order they start, and OpenRouter's `reasoning_details` entries numbered one per reasoning block (a
 * signature closes a block) and per signed tool call. Parts a client never sees (stream start, metadata, the
 * whole tool call repeating its deltas) have no event.
 */
export type AnswerEvent =
  | { type: "content"; delta: string }
  | { type: "reasoning"; delta: string; detail: ReasoningDetail }
  | { type: "tool-call-start"; index: number; toolCallId: string; toolName: string }
  | { type: "tool-call-arguments"; index: number; toolCallId: string; delta: string }
  /** A finished tool call's signature (Gemini's `thoughtSignature`), to send back on the next turn. */
  | { type: "tool-call-signature"; detail: ReasoningDetail }
  | { type: "finish"; finishReason: FinishReason }
  | { type: "error"; error: GatewayError };

/**
 * Turns one stream's parts into answer events, in order. One instance per stream: it remembers the tool
 * calls and reasoning blocks seen so far.
 */
export class AnswerEventTranslator {
  private readonly toolIndexes = new Map<string, number>();
  private detailIndex = 0;
  private reasoningOpen = false;

  /** The event this part becomes, or undefined when the client is told nothing. */
  next(part: StreamPart): AnswerEvent | undefined {
    switch (part.type) {
      case "stream-start":
      case "response-metadata":
        return undefined;
      case "text-delta":
        return { type: "content", delta: part.delta };
      case "reasoning-delta": {
        const detail = reasoningTextDetail(part.delta, part.signature, this.detailIndex);
        this.reasoningOpen = part.signature === undefined;
        if (part.signature !== undefined) this.detailIndex += 1;
        return { type: "reasoning", delta: part.delta, detail };
      }
      case "tool-input-start": {
        const index = this.toolIndexes.size;
        this.toolIndexes.set(part.toolCallId, index);
        return { type: "tool-call-start", index, toolCallId: part.toolCallId, toolName: part.toolName };
      }
      case "tool-input-delta":
        return { type: "tool-call-arguments", index: this.toolIndexes.get(part.toolCallId) ?? 0, toolCallId: part.toolCallId, delta: part.delta };
      case "tool-call": {
        if (part.signature === undefined) return undefined;
        if (this.reasoningOpen) this.detailIndex += 1;
        this.reasoningOpen = false;
        const detail = toolCallSignatureDetail(part.toolCallId, part.signature, this.detailIndex);
        this.detailIndex += 1;
        return { type: "tool-call-signature", detail };
      }
      case "finish":
        return { type: "finish", finishReason: part.finishReason };
      case "error":
        return { type: "error", error: part.error };
      default:
        return assertNever(part);
    }
  }
}
