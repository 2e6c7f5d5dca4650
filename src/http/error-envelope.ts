import type { FastifyReply } from "fastify";
import { GatewayError, toGatewayError } from "../core/errors.js";

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

/** The single place REST turns an error into a response: status, headers and envelope. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const gatewayError = toGatewayError(error);
  if (gatewayError.kind === "server") reply.log.error({ err: error }, "internal error");
  if (gatewayError.headers !== undefined) void reply.headers(gatewayError.headers);
  return reply.code(gatewayError.status).type("application/json").send(toErrorEnvelope(gatewayError));
}

/**
 * Fastify's own errors (body too large, unsupported media type, bad JSON, schema validation) carry a
 * `statusCode`; they become the matching gateway error so they too arrive in the envelope.
 */
export function fromFastifyError(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : "Bad request";
  if (statusCode === 413) return new GatewayError("payload_too_large", message);
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return new GatewayError("invalid_request", message);
  }
  return undefined;
}
