import type { CompletionResult, ServedBy } from "../../completions/completion-service.js";
import type { GatewayError } from "../../core/errors.js";
import { toGatewayError } from "../../core/errors.js";
import type { FinishReason } from "../../core/finish-reason.js";
import { redactedReasoningData } from "../../core/prompt.js";
import { assertNever } from "../../core/stream-parts.js";
import type { ContentPart } from "../stream-face-translator.js";
import { StreamFaceTranslator } from "../stream-face-translator.js";
import type { JsonRecord, ResponseEcho, ResponseState } from "./responses-response.js";
import {
  callSignatureItem,
  functionCallItem,
  incompleteDetails,
  itemId,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseError,
  responseObject,
  responsesUsage,
} from "./responses-response.js";

/** One typed Responses stream event: the `event:` name and its `data:` JSON (which repeats it as `type`). */
export interface ResponsesStreamEvent {
  event: string;
  data: JsonRecord;
}

/** The message or reasoning item being written, if any (function calls are tracked apart, by call id). */
interface OpenItem {
  kind: "message" | "reasoning";
  id: string;
  outputIndex: number;
  text: string;
}

interface OpenCall {
  id: string;
  outputIndex: number;
  toolCallId: string;
  toolName: string;
  input: string;
}

/**
 * Turns the core's stream parts into OpenAI's typed Responses events, each with its `sequence_number`:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added` → its content
 * events → `response.output_item.done`, then `response.completed` (or `response.incomplete`) with usage; or
 * `response.failed` when the answer failed after it began.
 * https://platform.openai.com/docs/api-reference/responses-streaming
 *
 * A message item holds one `output_text` part (`content_part.added`, `output_text.delta`*, `output_text.done`,
 * `content_part.done`); a reasoning item one summary part (`reasoning_summary_part.added`,
 * `reasoning_summary_text.delta`*, their `done`s), closed by its signature; a function call item its
 * `function_call_arguments.delta`* and `.done`, kept open until the call is complete so calls streamed side by
 * side get their own items. The items written are kept, so `response.completed` holds exactly what was streamed.
 * Pure: it only builds events; the route writes them.
 */
export class ResponsesStreamEvents extends StreamFaceTranslator<ResponsesStreamEvent> {
  private sequence = 0;
  private readonly output: JsonRecord[] = [];
  private open: OpenItem | undefined;
  private readonly openCalls = new Map<string, OpenCall>();

  constructor(
    private readonly servedBy: ServedBy,
    private readonly echo: ResponseEcho,
  ) {
    super();
  }

  /** The events that open the stream. */
  start(): ResponsesStreamEvent[] {
    const response = this.response({ status: "in_progress" });
    return [this.event("response.created", { response }), this.event("response.in_progress", { response })];
  }

  protected translate(part: ContentPart): ResponsesStreamEvent[] {
    const events: ResponsesStreamEvent[] = [];
    switch (part.type) {
      case "stream-start":
      case "response-metadata":
      case "error":
        break;
      case "text-delta": {
        if (part.delta.length === 0) break;
        const item = this.openItem("message", events);
        item.text += part.delta;
        events.push(this.event("response.output_text.delta", { item_id: item.id, output_index: item.outputIndex, content_index: 0, delta: part.delta, logprobs: [] }));
        break;
      }
      case "reasoning-delta": {
        if (part.delta.length === 0 && this.open?.kind !== "reasoning" && redactedReasoningData(part.signature) !== undefined) {
          // Redacted reasoning arrives whole: an item carrying the opaque data, added and done.
          this.closeOpen(events);
          this.wholeItem(events, (outputIndex) => reasoningItem({ id: this.idAt("rs", outputIndex), text: "", signature: part.signature, status: "completed" }));
          break;
        }
        const item = this.openItem("reasoning", events);
        if (part.delta.length > 0) {
          item.text += part.delta;
          events.push(this.event("response.reasoning_summary_text.delta", { item_id: item.id, output_index: item.outputIndex, summary_index: 0, delta: part.delta }));
        }
        if (part.signature !== undefined) this.closeOpen(events, part.signature);
        break;
      }
      case "tool-input-start": {
        this.closeOpen(events);
        const outputIndex = this.output.length;
        const call: OpenCall = { id: this.idAt("fc", outputIndex), outputIndex, toolCallId: part.toolCallId, toolName: part.toolName, input: "" };
        const added = functionCallItem({ id: call.id, call, status: "in_progress" });
        this.output.push(added);
        this.openCalls.set(part.toolCallId, call);
        events.push(this.event("response.output_item.added", { output_index: outputIndex, item: added }));
        break;
      }
      case "tool-input-delta": {
        const call = this.openCalls.get(part.toolCallId);
        if (call !== undefined && part.delta.length > 0) {
          call.input += part.delta;
          events.push(this.event("response.function_call_arguments.delta", { item_id: call.id, output_index: call.outputIndex, delta: part.delta }));
        }
        break;
      }
      case "tool-call": {
        let call = this.openCalls.get(part.toolCallId);
        if (call === undefined) {
          // A call that arrived whole, without its start and deltas: it gets an item of its own.
          this.closeOpen(events);
          this.add({ type: "tool-input-start", toolCallId: part.toolCallId, toolName: part.toolName }).forEach((added) => events.push(added));
          call = this.openCalls.get(part.toolCallId) as OpenCall;
          if (part.input.length > 0) this.add({ type: "tool-input-delta", toolCallId: part.toolCallId, delta: part.input }).forEach((delta) => events.push(delta));
        }
        this.closeCall(call, part.input, events);
        if (part.signature !== undefined) {
          const signature = part.signature;
          this.wholeItem(events, (outputIndex) => callSignatureItem(this.idAt("rs", outputIndex), signature));
        }
        break;
      }
      default:
        assertNever(part);
    }
    return events;
  }

  protected completed(finishReason: FinishReason, result: CompletionResult): ResponsesStreamEvent[] {
    const details = incompleteDetails(finishReason);
    const response = this.response({ status: details === null ? "completed" : "incomplete", usage: responsesUsage(result), incompleteDetails: details });
    return [this.event(details === null ? "response.completed" : "response.incomplete", { response })];
  }

  protected failed(error: unknown): ResponsesStreamEvent[] {
    return [this.event("response.failed", { response: this.response({ status: "failed", error: responseError(toGatewayError(error)) }) })];
  }

  private response(state: Partial<ResponseState> & Pick<ResponseState, "status">): JsonRecord {
    return responseObject(
      {
        id: this.servedBy.generationId,
        model: this.servedBy.model,
        createdAt: this.servedBy.created,
        output: [...this.output],
        usage: null,
        error: null,
        incompleteDetails: null,
        ...state,
      },
      this.echo,
    );
  }

  private openItem(kind: OpenItem["kind"], events: ResponsesStreamEvent[]): OpenItem {
    if (this.open?.kind === kind) return this.open;
    this.closeOpen(events);
    const outputIndex = this.output.length;
    const id = this.idAt(kind === "message" ? "msg" : "rs", outputIndex);
    const item = kind === "message" ? messageItem({ id, text: "", status: "in_progress" }) : reasoningItem({ id, text: "", signature: undefined, status: "in_progress" });
    this.output.push(item);
    this.open = { kind, id, outputIndex, text: "" };
    events.push(this.event("response.output_item.added", { output_index: outputIndex, item }));
    if (kind === "message") events.push(this.event("response.content_part.added", { item_id: id, output_index: outputIndex, content_index: 0, part: outputTextPart("") }));
    else events.push(this.event("response.reasoning_summary_part.added", { item_id: id, output_index: outputIndex, summary_index: 0, part: { type: "summary_text", text: "" } }));
    return this.open;
  }

  private closeOpen(events: ResponsesStreamEvent[], signature?: string): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const at = { item_id: open.id, output_index: open.outputIndex };
    let item: JsonRecord;
    if (open.kind === "message") {
      item = messageItem({ id: open.id, text: open.text, status: "completed" });
      events.push(
        this.event("response.output_text.done", { ...at, content_index: 0, text: open.text, logprobs: [] }),
        this.event("response.content_part.done", { ...at, content_index: 0, part: outputTextPart(open.text) }),
      );
    } else {
      item = reasoningItem({ id: open.id, text: open.text, signature, status: "completed" });
      events.push(
        this.event("response.reasoning_summary_text.done", { ...at, summary_index: 0, text: open.text }),
        this.event("response.reasoning_summary_part.done", { ...at, summary_index: 0, part: { type: "summary_text", text: open.text } }),
      );
    }
    this.output[open.outputIndex] = item;
    events.push(this.event("response.output_item.done", { output_index: open.outputIndex, item }));
  }

  private closeCall(call: OpenCall, input: string, events: ResponsesStreamEvent[]): void {
    this.openCalls.delete(call.toolCallId);
    const item = functionCallItem({ id: call.id, call: { ...call, input }, status: "completed" });
    this.output[call.outputIndex] = item;
    events.push(
      this.event("response.function_call_arguments.done", { item_id: call.id, output_index: call.outputIndex, name: call.toolName, arguments: input }),
      this.event("response.output_item.done", { output_index: call.outputIndex, item }),
    );
  }

  /** An item that arrives complete: added and done at once. */
  private wholeItem(events: ResponsesStreamEvent[], build: (outputIndex: number) => JsonRecord): void {
    const outputIndex = this.output.length;
    const item = build(outputIndex);
    this.output.push(item);
    events.push(this.event("response.output_item.added", { output_index: outputIndex, item }), this.event("response.output_item.done", { output_index: outputIndex, item }));
  }

  protected closeAll(events: ResponsesStreamEvent[]): void {
    this.closeOpen(events);
    for (const call of [...this.openCalls.values()]) this.closeCall(call, call.input, events);
  }

  private idAt(kind: "msg" | "fc" | "rs", outputIndex: number): string {
    return itemId(kind, { generationId: this.servedBy.generationId, outputIndex });
  }

  private event(type: string, data: JsonRecord): ResponsesStreamEvent {
    return { event: type, data: { type, ...data, sequence_number: this.sequence++ } };
  }
}

/** OpenAI's `error` event, for a failure after the stream's headers went out but before the response began. */
export function errorEvent(error: GatewayError, sequenceNumber: number): ResponsesStreamEvent {
  return { event: "error", data: { type: "error", code: error.kind, message: error.message, param: null, sequence_number: sequenceNumber } };
}
