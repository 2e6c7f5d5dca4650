import type { Socket } from "node:net";
import { STATUS_CODES } from "node:http";
import { GatewayError } from "../core/errors.js";
import { toErrorEnvelope } from "./error-envelope.js";

/**
 * Answers requests Node's HTTP parser refuses before Fastify sees them (Node's `clientError` event): a request
 * line or headers beyond `maxHeaderSize` (16 KiB), a malformed request, a request that took too long to arrive.
 * Fastify's default handler writes its own `{"error","message","statusCode"}` body; this one writes OpenRouter's
 * envelope, so even these answers parse with OpenAI and OpenRouter clients. A URL alone too long is a 414 (URI
 * Too Long), as a client would expect, rather than Node's 431 for the whole head.
 * https://nodejs.org/api/http.html#event-clienterror
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const gatewayError = clientErrorAsGatewayError(error);
  if (socket.writable) {
    const body = JSON.stringify(toErrorEnvelope(gatewayError));
    socket.write(
      `HTTP/1.1 ${gatewayError.status} ${STATUS_CODES[gatewayError.status] ?? "Error"}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** A request line at least this long is what overflowed the head: a URL beyond 8 KiB, as nginx's default limit. */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * How long the request line is in `rawPacket`, the chunk the parser was reading when the head overflowed: up to
 * its first line end when the chunk starts the request; the whole chunk when it holds no line end (the line
 * began in an earlier chunk). A single header longer than a whole chunk would read as a long URL too; either
 * way the client learns its head was too large.
 */
function requestLineLength(rawPacket: unknown): number {
  if (!Buffer.isBuffer(rawPacket)) return 0;
  const lineEnd = rawPacket.indexOf("\r\n");
  if (lineEnd === -1) return rawPacket.length;
  return /^[A-Z]+ /.test(rawPacket.subarray(0, 16).toString("latin1")) ? lineEnd : 0;
}

/** The gateway error for a parser error: which limit or rule the request broke. */
export function clientErrorAsGatewayError(error: { code?: string; rawPacket?: unknown }): GatewayError {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return new GatewayError("timeout", "The request did not arrive in time");
  if (error.code !== "HPE_HEADER_OVERFLOW") return new GatewayError("invalid_request", "Malformed HTTP request");
  if (requestLineLength(error.rawPacket) >= LONG_REQUEST_LINE) return new GatewayError("uri_too_long", "The URL is too long");
  return new GatewayError("headers_too_large", "The request's headers are too large");
}
