/**
 * Typed errors shared by every layer. Each error kind fixes its HTTP status (OpenRouter's table), its
 * OpenRouter `error_type`, and its GraphQL `extensions.code`, so the REST error envelope and GraphQL
 * errors are both produced from this one table (see `src/http/error-envelope.ts` and
 * `src/graphql/format-error.ts`).
 */

export const ERROR_KINDS = {
  invalid_request: { status: 400, graphqlCode: "BAD_USER_INPUT" },
  authentication: { status: 401, graphqlCode: "UNAUTHENTICATED" },
  payment_required: { status: 402, graphqlCode: "PAYMENT_REQUIRED" },
  permission_denied: { status: 403, graphqlCode: "FORBIDDEN" },
  not_found: { status: 404, graphqlCode: "NOT_FOUND" },
  timeout: { status: 408, graphqlCode: "TIMEOUT" },
  payload_too_large: { status: 413, graphqlCode: "PAYLOAD_TOO_LARGE" },
  uri_too_long: { status: 414, graphqlCode: "URI_TOO_LONG" },
  unsupported_media_type: { status: 415, graphqlCode: "UNSUPPORTED_MEDIA_TYPE" },
  rate_limit_exceeded: { status: 429, graphqlCode: "RATE_LIMITED" },
  headers_too_large: { status: 431, graphqlCode: "HEADERS_TOO_LARGE" },
  server: { status: 500, graphqlCode: "INTERNAL_SERVER_ERROR" },
  provider_unavailable: { status: 502, graphqlCode: "PROVIDER_UNAVAILABLE" },
  provider_overloaded: { status: 503, graphqlCode: "PROVIDER_OVERLOADED" },
  no_provider: { status: 503, graphqlCode: "NO_PROVIDER" },
} as const satisfies Record<string, { status: number; graphqlCode: string }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

export interface GatewayErrorOptions {
  /** Extra facts for `error.metadata` (REST) and `extensions` (GraphQL). */
  metadata?: Record<string, unknown>;
  /** Whether the same request may succeed if tried again (on another endpoint, or later). */
  retryable?: boolean;
  /** Response headers to send with the error (Retry-After, X-RateLimit-*). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base of every error the gateway raises on purpose. Anything else is an internal error (500). */
export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly metadata: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  readonly headers: Record<string, string> | undefined;

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.kind = kind;
    this.metadata = options.metadata;
    this.retryable = options.retryable ?? false;
    this.headers = options.headers;
  }

  /** The HTTP status for this error, from OpenRouter's table. */
  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }

  /** The GraphQL `extensions.code` for this error. */
  get graphqlCode(): string {
    return ERROR_KINDS[this.kind].graphqlCode;
  }
}

/** 400: the request is malformed. `field` names the offending parameter. */
export function invalidRequest(message: string, field?: string, metadata: Record<string, unknown> = {}): GatewayError {
  return new GatewayError("invalid_request", message, {
    metadata: field === undefined ? metadata : { ...metadata, field },
  });
}

/** 404: something addressed by id does not exist (model, key, generation, route). */
export function notFound(message: string, metadata?: Record<string, unknown>): GatewayError {
  return new GatewayError("not_found", message, { metadata });
}

/** Turns anything thrown into a GatewayError, hiding internal details behind a generic 500. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("server", "Internal server error", { cause: error });
}

/**
 * A refusal to start that the operator can fix (a bad variable, a port in use, a data folder held by another
 * process): entry points print its message as one line, without a stack, and exit 1.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}
