import type { CompletionResult, CompletionStream } from "../../completions/completion-service.js";
import type { AnswerEvent } from "../../completions/answer-events.js";
import { AnswerEventTranslator } from "../../completions/answer-events.js";
import { toGatewayError } from "../../core/errors.js";
import type { StreamPart } from "../../core/stream-parts.js";
import { assertNever } from "../../core/stream-parts.js";
import { openAIFinishReason } from "../../http/openrouter/chat-response.js";
import type { StreamSlot } from "../stream-slots.js";
import type { ChatCompletionEventValue } from "./chat-completion-event.type.js";
import { completionUsage } from "./completion-usage.js";

/** The error code of the event that ends a stream whose client stopped taking events. */
export const SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW";

const DONE: IteratorResult<ChatCompletionEventValue> = { value: undefined, done: true };

/**
 * A completion stream as the subscription's event source. It is pulled, never pushed: graphql-ws asks for the
 * next event only once the previous one was written to the socket, and only then is the next part read from
 * the upstream, so the events waiting for a client are at most those of one part and a slow client holds the
 * upstream back through TCP. The parts read are exactly the parts sent, which is what a cut stream is charged
 * for. A client that takes no event for `stallTimeoutMs` is too slow: the upstream is stopped, the generation
 * settles, and the next event it gets (if ever) is the SUBSCRIBER_TOO_SLOW error.
 *
 * `return()` (the client completed the operation, or the socket closed) aborts the upstream at once, even while
 * a part is awaited; the generation then settles as cancelled for what was delivered.
 */
export function chatCompletionEvents(options: { stream: CompletionStream; slot: StreamSlot; stallTimeoutMs: number }): AsyncIterableIterator<ChatCompletionEventValue> {
  const { stream, slot } = options;
  const parts = stream.parts[Symbol.asyncIterator]();
  const translator = new AnswerEventTranslator();
  void stream.result.then(slot.release, slot.release);

  let started = false;
  let partsStarted = false;
  let ended = false;
  let tooSlow = false;
  let finish: Extract<AnswerEvent, { type: "finish" }> | undefined;
  let failure: Extract<AnswerEvent, { type: "error" }> | undefined;
  let stallTimer: NodeJS.Timeout | undefined;
  /** Ends the `next()` in flight, if any, with nothing (set while one waits for a part). */
  let interrupt: ((value: undefined) => void) | undefined;

  /** Ends the parts (their `finally` settles the generation); a stream never pulled is pulled once so it does. */
  function stopParts(): void {
    slot.abort();
    const started = partsStarted;
    partsStarted = true;
    const first = started ? Promise.resolve() : parts.next().then(() => undefined);
    void first.then(() => parts.return?.()).catch(() => undefined);
  }

  function stop(): void {
    if (ended) return;
    ended = true;
    clearTimeout(stallTimer);
    interrupt?.(undefined);
    stopParts();
  }

  function armStallTimer(): void {
    stallTimer = setTimeout(() => {
      if (ended) return;
      tooSlow = true;
      stopParts();
    }, options.stallTimeoutMs);
  }

  async function settled(): Promise<ChatCompletionEventValue> {
    let result: CompletionResult;
    try {
      result = await stream.result;
    } catch (error) {
      const gatewayError = toGatewayError(error);
      return { kind: "error", code: gatewayError.graphqlCode, message: gatewayError.message, metadata: { ...gatewayError.metadata }, chargedUsage: null };
    }
    const usage = completionUsage(result);
    if (failure !== undefined) {
      return { kind: "error", code: failure.error.graphqlCode, message: failure.error.message, metadata: { ...failure.error.metadata }, chargedUsage: usage };
    }
    const reason = finish?.finishReason ?? result.finishReason;
    return { kind: "finished", finishReason: openAIFinishReason(reason.unified), nativeFinishReason: reason.raw ?? null, usage };
  }

  function eventOf(event: AnswerEvent): ChatCompletionEventValue | undefined {
    switch (event.type) {
      case "content":
        return { kind: "content", delta: event.delta };
      case "reasoning":
        return { kind: "reasoning", delta: event.delta, reasoningDetails: [{ ...event.detail }] };
      case "tool-call-signature":
        return { kind: "reasoning", delta: "", reasoningDetails: [{ ...event.detail }] };
      case "tool-call-start":
        return { kind: "tool-call-start", index: event.index, id: event.toolCallId, name: event.toolName };
      case "tool-call-arguments":
        return { kind: "tool-call-arguments", index: event.index, id: event.toolCallId, delta: event.delta };
      case "finish":
        finish = event;
        return undefined;
      case "error":
        failure = event;
        return undefined;
      default:
        return assertNever(event);
    }
  }

  /** The next event, reading parts until one makes an event; the settled end once the parts run out. */
  async function nextEvent(): Promise<ChatCompletionEventValue | undefined> {
    if (!started) {
      started = true;
      return { kind: "started", generationId: stream.generationId, model: stream.model, provider: stream.providerName, created: stream.created };
    }
    for (;;) {
      if (tooSlow) {
        const result = await stream.result.catch(() => undefined);
        const message = "The client fell too far behind the stream; the answer was cut and charged for what was sent";
        return { kind: "error", code: SUBSCRIBER_TOO_SLOW, message, metadata: {}, chargedUsage: result === undefined ? null : completionUsage(result) };
      }
      if (ended) return undefined;
      partsStarted = true;
      let next: IteratorResult<StreamPart>;
      try {
        next = await parts.next();
      } catch (error) {
        failure = { type: "error", error: toGatewayError(error) };
        return settled();
      }
      if (next.done === true) return settled();
      const event = translator.next(next.value);
      const value = event === undefined ? undefined : eventOf(event);
      if (value !== undefined) return value;
    }
  }

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      clearTimeout(stallTimer);
      if (ended) return DONE;
      // Not a race against one shared "stopped" promise: that would gather a reaction per event for the stream's life.
      const value = await new Promise<ChatCompletionEventValue | undefined>((resolve, reject) => {
        interrupt = resolve;
        nextEvent().then(resolve, reject);
      });
      interrupt = undefined;
      if (ended || value === undefined) return DONE;
      if (value.kind === "finished" || value.kind === "error") {
        // The last event: the generation is settled, nothing is left to stop.
        ended = true;
      } else {
        armStallTimer();
      }
      return { value, done: false };
    },
    return() {
      stop();
      return Promise.resolve(DONE);
    },
    throw(error: unknown) {
      stop();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
  };
}
