import type { Usage } from "../core/usage.js";
import type { FinishReason } from "../core/finish-reason.js";
import type { EndpointPricing } from "../catalog/catalog-snapshot.js";
import type { Amount } from "./money.js";

/**
 * Pure pricing: what a request costs, exactly, from the tokens the provider reported and the endpoint's
 * per-token prices. A price of 0 on a secondary key (cache read/write, internal reasoning) means "no separate
 * rate": those tokens cost the ordinary prompt or completion price, as the catalog format documents.
 * OpenRouter passes inference through with no markup: https://openrouter.ai/docs/faq
 */

/** Tokens that were billed, by kind; what the generation record and the response's usage show. */
export interface BilledTokens {
  prompt: number;
  cacheRead: number;
  cacheWrite: number;
  completion: number;
  reasoning: number;
  images: number;
}

function rate(specific: Amount, fallback: Amount): Amount {
  return specific > 0n ? specific : fallback;
}

/** Normalises provider usage into whole counts (unknown counts are treated as zero). */
export function billedTokens(usage: Usage, images = 0): BilledTokens {
  const prompt = usage.inputTokens.total ?? 0;
  const cacheRead = Math.min(usage.inputTokens.cacheRead ?? 0, prompt);
  const cacheWrite = Math.min(usage.inputTokens.cacheWrite ?? 0, prompt - cacheRead);
  const completion = usage.outputTokens.total ?? 0;
  const reasoning = Math.min(usage.outputTokens.reasoning ?? 0, completion);
  return { prompt, cacheRead, cacheWrite, completion, reasoning, images };
}

/**
 * A cost split into its input side (prompt tokens, images and the per-request fee) and its output side
 * (completion and reasoning tokens); the two always add up to the whole. OpenRouter reports the split as
 * `usage.cost_details`.
 */
export interface CostParts {
  prompt: Amount;
  completion: Amount;
}

/** The exact cost of tokens at an endpoint's prices (per-request fee included), split into its two sides. */
function costPartsOfTokens(tokens: BilledTokens, pricing: EndpointPricing): CostParts {
  const uncachedPrompt = BigInt(tokens.prompt - tokens.cacheRead - tokens.cacheWrite);
  const prompt =
    uncachedPrompt * pricing.prompt +
    BigInt(tokens.cacheRead) * rate(pricing.inputCacheRead, pricing.prompt) +
    BigInt(tokens.cacheWrite) * rate(pricing.inputCacheWrite, pricing.prompt) +
    BigInt(tokens.images) * pricing.image +
    pricing.request;
  const completion =
    BigInt(tokens.completion - tokens.reasoning) * pricing.completion +
    BigInt(tokens.reasoning) * rate(pricing.internalReasoning, pricing.completion);
  return { prompt, completion };
}


/**
 * What the caller pays for a finished (or interrupted) generation, split into input and output sides.
 * Zero-completion insurance: nothing is charged when no completion token was produced and the request failed
 * or ended without a reason
 * (https://openrouter.ai/docs/guides/features/zero-completion-insurance).
 */
export function chargedParts(options: { tokens: BilledTokens; pricing: EndpointPricing; finishReason: FinishReason | undefined }): CostParts {
  const failed = options.finishReason === undefined || options.finishReason.unified === "error";
  if (options.tokens.completion === 0 && failed) return { prompt: 0n, completion: 0n };
  return costPartsOfTokens(options.tokens, options.pricing);
}

/**
 * A cost no larger than `cap` (the request's hold): the input side first, then whatever is left of the output
 * side, so the two parts still add up to what is charged. An upstream that reports more than it was allowed
 * (a server that ignores `max_tokens`) can never take an account past what was held for the request.
 */
export function capCostParts(parts: CostParts, cap: Amount): CostParts {
  if (parts.prompt + parts.completion <= cap) return parts;
  const prompt = parts.prompt < cap ? parts.prompt : cap;
  return { prompt, completion: cap - prompt };
}

/**
 * The most a request can cost before it runs: the prompt's upper bound at the dearest prompt rate plus every
 * allowed output token at the dearest completion rate. Reserved up front so concurrent requests cannot spend
 * more than the balance.
 */
export function maximumCost(options: { promptTokens: number; maxOutputTokens: number; images: number; pricing: EndpointPricing }): Amount {
  const { pricing } = options;
  const promptRate = [pricing.prompt, pricing.inputCacheWrite].reduce((a, b) => (a > b ? a : b));
  const completionRate = [pricing.completion, pricing.internalReasoning].reduce((a, b) => (a > b ? a : b));
  return (
    BigInt(options.promptTokens) * promptRate +
    BigInt(options.maxOutputTokens) * completionRate +
    BigInt(options.images) * pricing.image +
    pricing.request
  );
}

/**
 * How many output tokens an amount can pay for after the prompt, for OpenRouter's 402 message
 * ("You requested up to N tokens, but can only afford M").
 */
export function affordableOutputTokens(options: { available: Amount; promptTokens: number; images: number; pricing: EndpointPricing }): number {
  const { pricing } = options;
  const completionRate = pricing.completion > pricing.internalReasoning ? pricing.completion : pricing.internalReasoning;
  const fixed = maximumCost({ promptTokens: options.promptTokens, maxOutputTokens: 0, images: options.images, pricing });
  const left = options.available - fixed;
  if (left <= 0n) return 0;
  if (completionRate === 0n) return Number.MAX_SAFE_INTEGER;
  return Number(left / completionRate);
}
