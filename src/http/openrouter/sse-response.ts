import type { FastifyReply } from "fastify";
import type { BackPressureOptions, RoomOutcome } from "../back-pressure.js";
import { waitForRoom } from "../back-pressure.js";

/**
 * A server-sent-events response written straight to the socket (Fastify is told to step aside with
 * `hijack`). Headers are sent on the first write, so a request that fails before any output can still get
 * an ordinary JSON error with its HTTP status. Writes are not awaited one by one; the writer awaits `room()`
 * before producing more, which bounds what a slow reader makes the gateway buffer.
 */
export class SseResponse {
  private started = false;
  private closed = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string>,
    private readonly backPressure: BackPressureOptions,
  ) {
    reply.raw.on("close", () => {
      this.closed = true;
    });
  }

  get headersSent(): boolean {
    return this.started;
  }

  get isClosed(): boolean {
    return this.closed || this.reply.raw.destroyed;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reply.hijack();
    this.reply.raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      ...this.headers,
    });
  }

  /**
   * Resolves once the client has taken enough of what was written to accept more ("ready"), or when it is gone
   * ("closed"), or after it stalled past the timeout and was disconnected ("stalled").
   */
  room(): Promise<RoomOutcome> {
    return waitForRoom(this.reply.raw, this.backPressure);
  }

  /** `data: <json>` */
  data(payload: unknown): void {
    this.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** `event: <name>` and `data: <json>`: a named event, as Anthropic's Messages stream sends every one. */
  event(name: string, payload: unknown): void {
    this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** An SSE comment (clients ignore it): OpenRouter's `: OPENROUTER PROCESSING` keep-alive. */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  done(): void {
    this.write("data: [DONE]\n\n");
    this.end();
  }

  end(): void {
    if (this.isClosed) return;
    this.start();
    this.reply.raw.end();
  }

  private write(text: string): void {
    if (this.isClosed) return;
    this.start();
    this.reply.raw.write(text);
  }
}
