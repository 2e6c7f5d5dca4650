import type { CompletionResult } from "../completions/completion-service.js";
import type { FinishReason } from "../core/finish-reason.js";
import type { StreamPart } from "../core/stream-parts.js";
import type { StreamFaceEvents } from "./stream-face.js";

/** Every stream part but `finish`, which {@link StreamFaceTranslator} keeps for the closing events. */
export type ContentPart = Exclude<StreamPart, { type: "finish" }>;

/**
 * What the Messages and Responses faces' event builders share, written once: the last finish reason seen
 * (it wins over the settled result's, as the upstream said it first), and the order of the closing events:
 * whatever is still open is closed, then the face's own completion or failure events follow.
 */
export abstract class StreamFaceTranslator<Event> implements StreamFaceEvents<Event> {
  private finishReason: FinishReason | undefined;

  /** The events that open the stream. */
  abstract start(): Event[];

  /** The events for one stream part (often none, for metadata parts). */
  add(part: StreamPart): Event[] {
    if (part.type !== "finish") return this.translate(part);
    this.finishReason = part.finishReason;
    return [];
  }

  /** The events that end a complete answer: what is open closed, then the face's completion events. */
  finish(result: CompletionResult): Event[] {
    const events: Event[] = [];
    this.closeAll(events);
    events.push(...this.completed(this.finishReason ?? result.finishReason, result));
    return events;
  }

  /** The events that end an answer that failed after it began: what is open closed, then the face's failure events. */
  fail(error: unknown): Event[] {
    const events: Event[] = [];
    this.closeAll(events);
    events.push(...this.failed(error));
    return events;
  }

  /** The face's events for one part that is not `finish`. */
  protected abstract translate(part: ContentPart): Event[];
  /** Closes every block or item still open, appending its events. */
  protected abstract closeAll(events: Event[]): void;
  /** The face's last events of a complete answer. */
  protected abstract completed(finishReason: FinishReason, result: CompletionResult): Event[];
  /** The face's last events of a failed answer. */
  protected abstract failed(error: unknown): Event[];
}
