import type { EndpointPricing } from "../../catalog/catalog-snapshot.js";
import { formatUsd } from "../../billing/money.js";
import type { ListingPricing } from "../../catalog/model-query.js";

/**
 * OpenRouter's `pricing` object: USD per token (per request for `request`, per image for `image`) as decimal
 * strings, `"0"` meaning free. See https://openrouter.ai/docs/api-reference/list-available-models.
 */
export interface OpenRouterPricing {
  prompt: string;
  completion: string;
  request: string;
  image: string;
  internal_reasoning: string;
  input_cache_read?: string;
  input_cache_write?: string;
}

/** The catalog's seven prices as exact decimal strings, as the model listing query returns them. */
export type DecimalPricing = ListingPricing;

function isZero(price: string): boolean {
  return /^0*(\.0*)?$/.test(price);
}

/**
 * Maps catalog prices to OpenRouter's keys. The cache keys are left out when zero: in the catalog `"0"` there
 * means "no separate cache price" (the prompt rate applies), whereas a listed `"0"` would tell clients that
 * cached tokens are free. OpenRouter likewise lists `input_cache_*` only for endpoints that price caching.
 * The other keys are always present, as on OpenRouter's own list.
 */
export function serializePricing(pricing: DecimalPricing): OpenRouterPricing {
  const out: OpenRouterPricing = {
    prompt: pricing.prompt,
    completion: pricing.completion,
    request: pricing.request,
    image: pricing.image,
    internal_reasoning: pricing.internalReasoning,
  };
  if (!isZero(pricing.inputCacheRead)) out.input_cache_read = pricing.inputCacheRead;
  if (!isZero(pricing.inputCacheWrite)) out.input_cache_write = pricing.inputCacheWrite;
  return out;
}

/** The snapshot holds prices as exact amounts; this formats them back to decimal strings. */
export function decimalPricing(pricing: EndpointPricing): DecimalPricing {
  return {
    prompt: formatUsd(pricing.prompt),
    completion: formatUsd(pricing.completion),
    request: formatUsd(pricing.request),
    image: formatUsd(pricing.image),
    inputCacheRead: formatUsd(pricing.inputCacheRead),
    inputCacheWrite: formatUsd(pricing.inputCacheWrite),
    internalReasoning: formatUsd(pricing.internalReasoning),
  };
}
