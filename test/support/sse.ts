import { createParser } from "eventsource-parser";

/** What a server-sent-events response carried: each `data:` payload and each comment line, in order. */
export interface SseTranscript {
  status: number;
  headers: Headers;
  events: string[];
  /** Each event's `event:` name, in step with `events` (undefined where it had none). */
  eventNames: Array<string | undefined>;
  comments: string[];
  /** Parsed JSON of every data event except `[DONE]`. */
  chunks: Array<Record<string, unknown>>;
}

/** Reads a whole SSE response with a spec-compliant parser (comments included). */
export async function readSse(response: Response): Promise<SseTranscript> {
  const events: string[] = [];
  const eventNames: Array<string | undefined> = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (event) => {
      events.push(event.data);
      eventNames.push(event.event);
    },
    onComment: (comment) => comments.push(comment.trim()),
  });
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  if (reader !== undefined) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  }
  const chunks = events.filter((data) => data !== "[DONE]").map((data) => JSON.parse(data) as Record<string, unknown>);
  return { status: response.status, headers: response.headers, events, eventNames, comments, chunks };
}

/** POSTs JSON to the gateway with a bearer key. */
export function postJson(url: string, body: unknown, apiKey?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }) },
    body: JSON.stringify(body),
  });
}
