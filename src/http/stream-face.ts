import type { FastifyReply, FastifyRequest } from "fastify";
import type { CompletionResult, CompletionStream } from "../completions/completion-service.js";
import type { StreamPart } from "../core/stream-parts.js";
import type { GatewayError } from "../core/errors.js";
import type { SseResponse } from "./openrouter/sse-response.js";
import { noteCompletion } from "./request-log.js";

/**
 * What a streaming face (Messages, Responses) turns the pipeline's parts into: its own wire events, built by a
 * per-stream translator. One shape so {@link pumpStreamFace} can serve both faces with the same loop.
 */
export interface StreamFaceEvents<Event> {
  start(): Event[];
  add(part: StreamPart): Event[];
  finish(result: CompletionResult): Event[];
  fail(error: unknown): Event[];
}

/**
 * Relays an admitted stream to the client, written once for every streaming face so back-pressure, the
 * result's settlement and the closing event stay the same on each: it pulls the next part only once the
 * client took the last one, notes the settled result on the request log, and ends with the face's finish or
 * failure events (a settlement that failed ends with a failure, never with a claim of success). `close`
 * ends the stream the face's way (Anthropic's plain end, OpenRouter's `[DONE]` sentinel).
 */
export async function pumpStreamFace<Event>(input: {
  request: FastifyRequest;
  reply: FastifyReply;
  sse: SseResponse;
  stream: CompletionStream;
  events: StreamFaceEvents<Event>;
  write: (events: Event[]) => void;
  close: () => void;
}): Promise<FastifyReply> {
  const { sse, stream, events, write } = input;
  write(events.start());
  let failure: GatewayError | undefined;
  for await (const part of stream.parts) {
    if (sse.isClosed) break;
    if (part.type === "error") failure = part.error;
    write(events.add(part));
    // Pull the next part only once the client takes this one: a reader that is not reading stops the upstream.
    if ((await sse.room()) !== "ready") break;
  }
  let result: CompletionResult;
  try {
    result = await stream.result;
    noteCompletion(input.request, result);
  } catch (error) {
    // Not charged and recorded for sure: the answer ends with a failure, not with a claim of success.
    write(events.fail(error));
    input.close();
    return input.reply;
  }
  if (sse.isClosed) return input.reply;
  write(failure === undefined ? events.finish(result) : events.fail(failure));
  input.close();
  return input.reply;
}
