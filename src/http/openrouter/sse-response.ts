import type { FastifyReply } from "fastify";

/**
 * A server-sent-events response written straight to the socket (Fastify is told to step aside with
 * `hijack`). Headers are sent on the first write, so a request that fails before any output can still get
 * an ordinary JSON error with its HTTP status.
 */
export class SseResponse {
  private started = false;
  private closed = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string>,
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

  /** `data: <json>` */
  data(payload: unknown): void {
    this.write(`data: ${JSON.stringify(payload)}\n\n`);
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
