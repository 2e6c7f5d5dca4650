import type { CompletionResult, ServedBy } from "../../completions/completion-service.js";
import type { FinishReason } from "../../core/finish-reason.js";
import { redactedReasoningData } from "../../core/prompt.js";
import { assertNever } from "../../core/stream-parts.js";
import type { ContentPart } from "../stream-face-translator.js";
import { StreamFaceTranslator } from "../stream-face-translator.js";
import { anthropicErrorObject } from "./anthropic-error-body.js";
import { anthropicStopReason, DIRECT_CALLER, messagesUsage, startedMessage } from "./messages-response.js";

/** One named event of Anthropic's Messages stream: the `event:` name and its `data:` JSON (which repeats it). */
export interface MessagesStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The text or thinking block being written, if any (tool-use blocks are tracked apart, by call id). */
interface OpenBlock {
  kind: "text" | "thinking";
  index: number;
}

/**
 * Turns the core's stream parts into Anthropic's SSE event sequence: `message_start`, a `ping`, then per content
 * block `content_block_start` → `content_block_delta`* → `content_block_stop`, then `message_delta` with the stop
 * reason and usage, and `message_stop`; or an `error` event when the answer failed after it began.
 * https://docs.claude.com/en/docs/build-with-claude/streaming#event-types
 *
 * Text and thinking blocks close when anything else begins; a signature ends its thinking block (it arrives
 * just before `content_block_stop`, as Anthropic sends it). A tool-use block stays open until its call is
 * complete, so deltas of calls streamed side by side (OpenAI interleaves parallel calls) land in their own block.
 * Pure: it only builds events; the route writes them.
 */
export class MessagesStreamEvents extends StreamFaceTranslator<MessagesStreamEvent> {
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private readonly openTools = new Map<string, number>();
  constructor(private readonly servedBy: ServedBy) {
    super();
  }

  /** The events that open the stream. */
  start(): MessagesStreamEvent[] {
    return [event("message_start", { message: startedMessage(this.servedBy) }), event("ping", {})];
  }

  protected translate(part: ContentPart): MessagesStreamEvent[] {
    const events: MessagesStreamEvent[] = [];
    switch (part.type) {
      case "stream-start":
      case "response-metadata":
      case "error":
        break;
      case "text-delta":
        if (part.delta.length === 0) break;
        this.openBlock("text", events, { type: "text", text: "", citations: [] });
        events.push(this.delta({ type: "text_delta", text: part.delta }));
        break;
      case "reasoning-delta": {
        const redacted = part.delta.length === 0 && this.open?.kind !== "thinking" ? redactedReasoningData(part.signature) : undefined;
        if (redacted !== undefined) {
          // Redacted thinking arrives whole, as Anthropic streams it: a block start carrying the data, then its stop.
          this.closeOpen(events);
          const index = this.nextIndex++;
          events.push(event("content_block_start", { index, content_block: { type: "redacted_thinking", data: redacted } }), event("content_block_stop", { index }));
          break;
        }
        if (part.delta.length > 0 || this.open?.kind !== "thinking") this.openBlock("thinking", events, { type: "thinking", thinking: "", signature: "" });
        if (part.delta.length > 0) events.push(this.delta({ type: "thinking_delta", thinking: part.delta }));
        if (part.signature !== undefined) {
          events.push(this.delta({ type: "signature_delta", signature: part.signature }));
          this.closeOpen(events);
        }
        break;
      }
      case "tool-input-start": {
        this.closeOpen(events);
        const index = this.nextIndex++;
        this.openTools.set(part.toolCallId, index);
        events.push(event("content_block_start", { index, content_block: { type: "tool_use", id: part.toolCallId, name: part.toolName, input: {}, caller: DIRECT_CALLER } }));
        break;
      }
      case "tool-input-delta": {
        const index = this.openTools.get(part.toolCallId);
        if (index !== undefined && part.delta.length > 0) {
          events.push(event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part.delta } }));
        }
        break;
      }
      case "tool-call": {
        let index = this.openTools.get(part.toolCallId);
        if (index === undefined) {
          // A call that arrived whole, without its start and deltas: it gets a block of its own.
          this.closeOpen(events);
          index = this.nextIndex++;
          events.push(event("content_block_start", { index, content_block: { type: "tool_use", id: part.toolCallId, name: part.toolName, input: {}, caller: DIRECT_CALLER } }));
          events.push(event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part.input } }));
        }
        this.openTools.delete(part.toolCallId);
        events.push(event("content_block_stop", { index }));
        if (part.signature !== undefined) {
          // The call's own signature, in the thinking block that follows it (see `toolCallSignatureBlock`).
          const signatureIndex = this.nextIndex++;
          events.push(
            event("content_block_start", { index: signatureIndex, content_block: { type: "thinking", thinking: "", signature: "" } }),
            event("content_block_delta", { index: signatureIndex, delta: { type: "signature_delta", signature: part.signature } }),
            event("content_block_stop", { index: signatureIndex }),
          );
        }
        break;
      }
      default:
        assertNever(part);
    }
    return events;
  }

  protected completed(finishReason: FinishReason, result: CompletionResult): MessagesStreamEvent[] {
    return [
      event("message_delta", {
        delta: { stop_reason: anthropicStopReason(finishReason), stop_sequence: finishReason.stopSequence ?? null, stop_details: null, container: null },
        usage: messagesUsage(result),
      }),
      event("message_stop", {}),
    ];
  }

  protected failed(error: unknown): MessagesStreamEvent[] {
    return [failureEvent(error)];
  }

  private openBlock(kind: "text" | "thinking", events: MessagesStreamEvent[], contentBlock: Record<string, unknown>): void {
    if (this.open?.kind === kind) return;
    this.closeOpen(events);
    this.open = { kind, index: this.nextIndex++ };
    events.push(event("content_block_start", { index: this.open.index, content_block: contentBlock }));
  }

  private delta(delta: Record<string, unknown>): MessagesStreamEvent {
    return event("content_block_delta", { index: this.open?.index ?? 0, delta });
  }

  private closeOpen(events: MessagesStreamEvent[]): void {
    if (this.open === undefined) return;
    events.push(event("content_block_stop", { index: this.open.index }));
    this.open = undefined;
  }

  protected closeAll(events: MessagesStreamEvent[]): void {
    this.closeOpen(events);
    for (const index of this.openTools.values()) events.push(event("content_block_stop", { index }));
    this.openTools.clear();
  }
}

/** Anthropic's `error` event, for a failure after the stream's headers went out. */
export function failureEvent(error: unknown): MessagesStreamEvent {
  return event("error", { error: anthropicErrorObject(error) });
}

function event(name: string, data: Record<string, unknown>): MessagesStreamEvent {
  return { event: name, data: { type: name, ...data } };
}
