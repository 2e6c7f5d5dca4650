import type { Principal } from "../auth/principal.js";
import type { SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import { formatUsd, type Amount } from "../billing/money.js";
import { PaymentRequiredError } from "../billing/payment-required.js";
import { affordableOutputTokens, maximumCost } from "../billing/usage-cost.js";
import { GatewayError } from "../core/errors.js";
import type { ChatRequest } from "./chat-request.js";
import type { HoldCover } from "./completion-attempt.js";
import type { CompletionBilling, HeldFunds } from "./completion-ports.js";
import type { PromptEstimate } from "./estimate-prompt.js";

/**
 * Holds the most a request can cost at one endpoint: the prompt's upper bound (never more than the endpoint's
 * context, which no provider bills past) at the dearest prompt rate plus every allowed output token
 * (`max_tokens`, or else the endpoint's maximum output, as OpenRouter does) at the dearest completion rate.
 * The hold is an upper bound on the charge: settlement never charges more, and a stream is cut when its output
 * reaches the allowance. A refusal becomes OpenRouter's pre-flight 402: "You requested up to N tokens, but can
 * only afford M". https://openrouter.ai/docs/api-reference/limits
 */
export async function holdFunds(input: {
  billing: CompletionBilling;
  principal: Principal;
  request: ChatRequest;
  endpoint: SnapshotEndpoint;
  /** `estimatePrompt` of the request. */
  prompt: PromptEstimate;
  /** The adapter's `outputTokenCeiling` for the request, when it asks the provider for more than `max_tokens`. */
  outputCeiling: number | undefined;
  /** For an attempt on the account's own key: the fee's bound on an upstream price, which is all that is held. */
  feeBound?: (maxUpstreamCost: Amount) => Amount;
}): Promise<{ hold: HeldFunds; cover: HoldCover }> {
  const { endpoint, request, prompt } = input;
  const promptTokens = Math.min(prompt.tokenBound, endpoint.contextLength);
  // Without a limit, the context left after the likely prompt (not its bound, which would leave an honest long
  // answer less room than the provider gives it, and the stream would be cut short).
  const allowed = request.options.maxOutputTokens ?? endpoint.maxCompletionTokens ?? Math.max(1, endpoint.contextLength - prompt.tokens);
  const maxOutput = Math.max(allowed, input.outputCeiling ?? 0);
  const maxUpstreamCost = maximumCost({ promptTokens, maxOutputTokens: maxOutput, images: prompt.images, pricing: endpoint.pricing });
  const maxCost = input.feeBound === undefined ? maxUpstreamCost : input.feeBound(maxUpstreamCost);
  try {
    const hold = await input.billing.hold(input.principal, maxCost);
    return { hold, cover: { promptTokens, outputTokens: maxOutput } };
  } catch (error) {
    if (!(error instanceof PaymentRequiredError)) throw error;
    const affordable = error.affordable;
    const tokens = affordableOutputTokens({ available: affordable, promptTokens, images: prompt.images, pricing: endpoint.pricing });
    const negative = affordable < 0n || (affordable === 0n && maxCost === 0n);
    throw new GatewayError(
      "payment_required",
      negative
        ? "Your balance is negative: add credits to continue, free models included"
        : `This request requires more credits, or fewer max_tokens. You requested up to ${maxOutput} tokens, but can only afford ${tokens}`,
      {
        metadata: {
          ...error.metadata,
          requested_tokens: maxOutput,
          affordable_tokens: tokens,
          affordable_usd: formatUsd(affordable < 0n ? 0n : affordable),
        },
      },
    );
  }
}
