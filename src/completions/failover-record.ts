import type { FastifyBaseLogger } from "fastify";
import { GatewayError } from "../core/errors.js";
import type { ProviderAttempt } from "../db/schema/index.js";
import type { Attempt } from "./completion-attempt.js";

/** One failed attempt as the client's `metadata.previous_errors[]` lists it. */
interface PreviousError {
  provider: string;
  status: number;
  message: string;
  code: string;
}

/**
 * The failover loop's bookkeeping, shared by chat completions and embeddings so a failed attempt is recorded,
 * logged and summed up the same way in both: the generation's `provider_responses` row, the operator's warning,
 * and the error the client gets once every candidate failed.
 */
export interface FailoverRecord {
  /** Records a failed attempt (its hold is the caller's to release, its circuit the caller's to report). */
  failed(attempt: Attempt, error: GatewayError): void;
  /** The error for a request no candidate could serve. */
  exhausted(): GatewayError;
}

/** Starts the record of one request's attempts; failed ones are appended to `attempts`, the generation's rows. */
export function createFailoverRecord(options: {
  attempts: ProviderAttempt[];
  clock: () => number;
  logger: FastifyBaseLogger | undefined;
}): FailoverRecord {
  const failures: PreviousError[] = [];
  let lastError: GatewayError | undefined;
  return {
    failed(attempt, error) {
      const { endpoint } = attempt.candidate;
      options.attempts.push({
        provider: endpoint.providerSlug,
        endpointId: endpoint.id,
        status: error.status,
        errorType: error.kind,
        latencyMs: options.clock() - attempt.startedAt,
      });
      failures.push({ provider: endpoint.providerName, status: error.status, message: error.message, code: error.kind });
      lastError = error;
      // The operator's view of a failed attempt. Errors from a model were scrubbed of credentials at the
      // provider boundary (withScrubbedErrors), so the upstream's text is safe to log.
      options.logger?.warn({ err: error, provider: endpoint.providerSlug, endpointId: endpoint.id, status: error.status }, "provider attempt failed");
    },
    exhausted() {
      // One attempt: its own error. Several, all failed: a 503 listing them (a 429 when every one was rate limited).
      const everyRateLimited = failures.length > 0 && failures.every((failure) => failure.code === "rate_limit_exceeded");
      const listed = failures.length > 1 && !everyRateLimited;
      const kind = listed ? "no_provider" : (lastError?.kind ?? "no_provider");
      const message = listed
        ? `Every provider failed for this request (${failures.map((failure) => `${failure.provider}: ${failure.status}`).join(", ")})`
        : (lastError?.message ?? "No provider could serve the request");
      return new GatewayError(kind, message, {
        metadata: { ...lastError?.metadata, previous_errors: failures },
        retryable: true,
        ...(lastError?.headers === undefined ? {} : { headers: lastError.headers }),
      });
    },
  };
}
