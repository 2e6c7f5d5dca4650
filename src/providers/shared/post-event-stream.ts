import { createParser } from "eventsource-parser";
import type { Dispatcher } from "undici";
import { sendUpstreamRequest, type UpstreamRequest } from "./send-upstream-request.js";
import { upstreamConnectionError } from "./upstream-error.js";

export type { UpstreamRequest } from "./send-upstream-request.js";

/** One server-sent event. `event` is the `event:` field (Anthropic) or `undefined` for data-only streams. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

async function* readEvents(body: Dispatcher.ResponseData["body"], provider: string): AsyncGenerator<ServerSentEvent> {
  const pending: ServerSentEvent[] = [];
  const parser = createParser({ onEvent: (message) => pending.push({ event: message.event, data: message.data }) });
  const decoder = new TextDecoder();
  let completed = false;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      yield* pending.splice(0);
    }
    // The SSE spec drops an event not closed by a blank line at the end of the stream; some servers end
    // with `data: [DONE]` and a single newline, so the gateway closes the last event itself.
    parser.feed(`${decoder.decode()}\n\n`);
    yield* pending.splice(0);
    completed = true;
  } catch (error) {
    throw upstreamConnectionError(provider, error);
  } finally {
    // Leaving early (break, return(), a thrown consumer error) closes the upstream connection so the
    // provider stops generating and billing.
    if (!completed) body.destroy();
  }
}

/**
 * POSTs JSON and returns the answer's server-sent events, parsed by `eventsource-parser` (comments, CRLF,
 * multi-line data and split chunks handled as the SSE spec says). A non-2xx status or connection failure is
 * thrown as a classified GatewayError before iteration starts. Failures while reading are thrown from the
 * iterator as GatewayErrors. Stopping the iteration early, or aborting `abortSignal`, cancels the upstream body.
 */
export async function postEventStream(input: UpstreamRequest): Promise<AsyncIterable<ServerSentEvent>> {
  const response = await sendUpstreamRequest(input, "text/event-stream");
  return readEvents(response.body, input.provider);
}
