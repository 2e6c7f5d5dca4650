import type { FastifyReply } from "fastify";
import type { ErrorKind } from "../core/errors.js";
import { GatewayError, toGatewayError } from "../core/errors.js";
import { noteError } from "./request-log.js";

/** OpenRouter's error body: `{"error":{"code","message","metadata"}}`, with `code` equal to the HTTP status. */
export interface ErrorEnvelope {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
}

/** The envelope for any error; internal errors are masked as "Internal server error". */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  const gatewayError = toGatewayError(error);
  return {
    error: {
      code: gatewayError.status,
      message: gatewayError.message,
      metadata: { error_type: gatewayError.kind, ...gatewayError.metadata },
    },
  };
}

/** Renders a gateway error as a face's error body: OpenRouter's envelope by default, Anthropic's on `/messages`. */
export type ErrorBodyFormat = (error: GatewayError) => unknown;

/**
 * The single place REST turns an error into a response: status, headers and body. Every face shares the status
 * and headers of an error kind; only the body's shape (`format`) differs.
 */
export function sendError(reply: FastifyReply, error: unknown, format: ErrorBodyFormat = toErrorEnvelope): FastifyReply {
  const gatewayError = toGatewayError(error);
  if (gatewayError.kind === "server") reply.log.error({ err: error }, "internal error");
  // Absent when the request failed before Fastify's hooks ran (a malformed request line).
  if ((reply.request.logFacts as object | null | undefined) != null) noteError(reply.request, gatewayError);
  if (gatewayError.headers !== undefined) void reply.headers(gatewayError.headers);
  return reply.code(gatewayError.status).type("application/json").send(format(gatewayError));
}

/** The 4xx statuses of Fastify's own errors that keep their status; any other 4xx is a 400. */
const FASTIFY_STATUS_KINDS: Record<number, ErrorKind> = {
  404: "not_found",
  408: "timeout",
  413: "payload_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  431: "headers_too_large",
};

/**
 * Our wording for Fastify errors whose own message echoes the whole (possibly huge) URL or says too little.
 * https://fastify.dev/docs/latest/Reference/Errors/
 */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: "A path parameter of the URL is too long",
  FST_ERR_BAD_URL: "The URL is not valid: a path segment is not well-formed percent-encoding",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "Unsupported Content-Type: send the body as application/json",
};

/**
 * Fastify's own errors (body too large, unsupported media type, bad JSON, bad or too long URL) carry a
 * `statusCode`; they become the matching gateway error so they too arrive in the envelope.
 */
export function fromFastifyError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== "number" || statusCode < 400 || statusCode >= 500) return undefined;
  const message = (typeof code === "string" ? FASTIFY_MESSAGES[code] : undefined) ?? (error instanceof Error ? error.message : "Bad request");
  return new GatewayError(FASTIFY_STATUS_KINDS[statusCode] ?? "invalid_request", message);
}
