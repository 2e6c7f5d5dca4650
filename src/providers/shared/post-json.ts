import { GatewayError } from "../../core/index.js";
import { sendUpstreamRequest, type UpstreamRequest } from "./send-upstream-request.js";
import { upstreamConnectionError } from "./upstream-error.js";

export type { UpstreamRequest } from "./send-upstream-request.js";

/**
 * POSTs JSON to an upstream and returns its parsed JSON body on a 2xx answer. Anything else is thrown as a
 * classified GatewayError: the upstream's error status (see `upstreamHttpError`), a connection failure or
 * timeout (see `upstreamConnectionError`), or a 2xx body that is not JSON (retryable `provider_unavailable`).
 * Callers validate the returned value with their own zod schema.
 */
export async function postJson(input: UpstreamRequest): Promise<unknown> {
  const response = await sendUpstreamRequest(input, "application/json");
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw upstreamConnectionError(input.provider, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayError("provider_unavailable", `Provider ${input.provider} sent a response that is not JSON`, {
      retryable: true,
      metadata: { provider_name: input.provider, raw: text.slice(0, 500) },
      cause: error,
    });
  }
}
