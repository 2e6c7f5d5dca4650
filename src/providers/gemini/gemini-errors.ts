import { GatewayError } from "../../core/index.js";
import { upstreamHttpError } from "../shared/upstream-error.js";

/**
 * Gemini answers a bad API key with 400 INVALID_ARGUMENT ("API key not valid. Please pass a valid API
 * key.", reason API_KEY_INVALID), not 401, so the shared classification would blame the caller's request.
 * It is our credential that is wrong: like a 401/403, that is `provider_unavailable` and retryable on
 * another endpoint. https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function refineGeminiError(provider: string, error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.kind !== "invalid_request") return error;
  const raw = error.metadata?.raw;
  if (error.metadata?.provider_code !== 400 || typeof raw !== "string" || !/API key not valid|API_KEY_INVALID/i.test(raw)) return error;
  return new GatewayError("provider_unavailable", `Provider ${provider} refused the gateway's credentials (status 400)`, {
    retryable: true,
    metadata: { provider_name: provider, provider_code: 400 },
    cause: error,
  });
}

/**
 * An error Gemini sent inside a stream (`data: {"error":{"code":500,…,"status":"INTERNAL"}}`), classified
 * like the same error before the stream, from its HTTP-like `code`.
 */
export function geminiStreamError(input: { provider: string; code: number | null | undefined; rawEvent: string }): GatewayError {
  return upstreamHttpError({ provider: input.provider, status: input.code ?? 500, body: input.rawEvent });
}
