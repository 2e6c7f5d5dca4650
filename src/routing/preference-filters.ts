import type { CatalogSnapshot, SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import type { ProviderPreferences } from "../completions/chat-request.js";

/** One of the request's hard endpoint filters, with the words that explain an empty result. */
export interface PreferenceFilter {
  /** Completes "No endpoints found for <model> …". */
  explanation: string;
  keeps(endpoint: SnapshotEndpoint): boolean;
}

const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/**
 * The request's data-policy, quantization and price filters (OpenRouter's `provider.data_collection`, `zdr`,
 * `quantizations` and `max_price`). They are hard: when none of a model's endpoints pass, the model cannot be
 * served under these preferences. Data policy comes from the catalog's provider entries.
 * https://openrouter.ai/docs/guides/routing/provider-selection
 */
export function preferenceFilters(preferences: ProviderPreferences, snapshot: CatalogSnapshot): PreferenceFilter[] {
  const filters: PreferenceFilter[] = [];
  const policyOf = (endpoint: SnapshotEndpoint) => snapshot.providers.get(endpoint.providerSlug)?.dataPolicy;
  if (preferences.dataCollection === "deny") {
    filters.push({
      explanation: "from providers that neither keep nor train on prompts (data_collection: deny)",
      keeps: (endpoint) => {
        const policy = policyOf(endpoint);
        return policy !== undefined && !policy.training && !policy.retainsPrompts;
      },
    });
  }
  if (preferences.zdr) {
    filters.push({ explanation: "with zero data retention (zdr)", keeps: (endpoint) => policyOf(endpoint)?.retainsPrompts === false });
  }
  const quantizations = preferences.quantizations;
  if (quantizations !== undefined) {
    filters.push({
      explanation: `with quantization ${quantizations.join(" or ")}`,
      keeps: (endpoint) => endpoint.quantization !== null && quantizations.includes(endpoint.quantization),
    });
  }
  const max = preferences.maxPrice;
  if (max !== undefined) {
    filters.push({
      explanation: "within max_price",
      keeps: ({ pricing }) =>
        (max.prompt === undefined || pricing.prompt * TOKENS_PER_PRICE_UNIT <= max.prompt) &&
        (max.completion === undefined || pricing.completion * TOKENS_PER_PRICE_UNIT <= max.completion) &&
        (max.request === undefined || pricing.request <= max.request) &&
        (max.image === undefined || pricing.image <= max.image),
    });
  }
  return filters;
}
