import type { Principal } from "../auth/principal.js";
import type { SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import { formatUsd } from "../billing/money.js";
import { PaymentRequiredError } from "../billing/payment-required.js";
import { affordableOutputTokens, maximumCost } from "../billing/usage-cost.js";
import { GatewayError } from "../core/errors.js";
import type { ChatRequest } from "./chat-request.js";
import type { CompletionBilling, HeldFunds } from "./completion-ports.js";
import type { PromptEstimate } from "./estimate-prompt.js";

/**
 * Holds the most a request can cost at one endpoint: the prompt estimate at the dearest prompt rate plus every
 * allowed output token (`max_tokens`, or else the endpoint's maximum output, as OpenRouter does) at the dearest
 * completion rate. A refusal becomes OpenRouter's pre-flight 402: "You requested up to N tokens, but can only
 * afford M". https://openrouter.ai/docs/api-reference/limits
 */
export async function holdFunds(input: {
  billing: CompletionBilling;
  principal: Principal;
  request: ChatRequest;
  endpoint: SnapshotEndpoint;
  /** `estimatePrompt` of the request. */
  prompt: PromptEstimate;
}): Promise<HeldFunds> {
  const { endpoint, request, prompt } = input;
  const maxOutput = request.options.maxOutputTokens ?? endpoint.maxCompletionTokens ?? Math.max(1, endpoint.contextLength - prompt.tokens);
  const maxCost = maximumCost({ promptTokens: prompt.tokens, maxOutputTokens: maxOutput, images: prompt.images, pricing: endpoint.pricing });
  try {
    return await input.billing.hold(input.principal, maxCost);
  } catch (error) {
    if (!(error instanceof PaymentRequiredError)) throw error;
    const affordable = error.affordable;
    const tokens = affordableOutputTokens({ available: affordable, promptTokens: prompt.tokens, images: prompt.images, pricing: endpoint.pricing });
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
