import type { CatalogSnapshot, SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import type { ModelRow } from "../db/schema/index.js";
import { GatewayError, invalidRequest } from "../core/errors.js";
import type { ProviderPreferences } from "../completions/chat-request.js";
import { preferenceFilters } from "./preference-filters.js";

/** One endpoint the router may try, with the model id to report if it serves the request. */
export interface RouteCandidate {
  endpoint: SnapshotEndpoint;
  model: ModelRow;
  listedId: string;
}

/** Parameters that every endpoint accepts, so they never exclude one under require_parameters. */
const ALWAYS_SUPPORTED = new Set(["max_tokens"]);

function supportsAll(endpoint: SnapshotEndpoint, used: readonly string[]): string | undefined {
  const supported = new Set(endpoint.supportedParameters);
  return used.find((parameter) => !ALWAYS_SUPPORTED.has(parameter) && !supported.has(parameter));
}

function totalPrice(endpoint: SnapshotEndpoint): bigint {
  return endpoint.pricing.prompt + endpoint.pricing.completion;
}

/**
 * Orders the endpoints that may serve a request: for each requested model in fallback order, its endpoints
 * that are configured, allowed by `provider.only`/`ignore`, pass the data-policy, quantization and price
 * filters (see preference-filters.ts) and (under `require_parameters`) support every
 * parameter used; `provider.order` first, then cheapest first, then healthiest. Explains an empty result with
 * OpenRouter's errors: 400 unknown model, 404 no endpoint (with the reason), 503 no provider configured.
 * https://openrouter.ai/docs/guides/routing/provider-selection
 */
export function selectCandidates(options: {
  snapshot: CatalogSnapshot;
  models: readonly string[];
  preferences: ProviderPreferences;
  usedParameters: readonly string[];
  isConfigured: (providerSlug: string) => boolean;
  /** The environment variable that configures a provider (its key, or a local server's base URL). */
  configurationVariable: (providerSlug: string) => string | undefined;
}): RouteCandidate[] {
  const { preferences } = options;
  const filters = preferenceFilters(preferences, options.snapshot);
  const candidates: RouteCandidate[] = [];
  const reasons: string[] = [];
  const unconfigured = new Set<string>();
  let anyModelKnown = false;

  for (const requested of options.models) {
    const resolved = options.snapshot.resolve(requested);
    if (resolved === undefined) {
      reasons.push(`${requested} is not a valid model ID`);
      continue;
    }
    anyModelKnown = true;
    let endpoints = resolved.endpoints;
    if (preferences.only !== undefined) endpoints = endpoints.filter((endpoint) => preferences.only?.includes(endpoint.providerSlug));
    if (preferences.ignore !== undefined) endpoints = endpoints.filter((endpoint) => !preferences.ignore?.includes(endpoint.providerSlug));
    if (endpoints.length === 0) {
      reasons.push(`No endpoints found for ${requested} matching the provider preferences`);
      continue;
    }
    const excludedBy = filters.find((filter) => {
      endpoints = endpoints.filter((endpoint) => filter.keeps(endpoint));
      return endpoints.length === 0;
    });
    if (excludedBy !== undefined) {
      reasons.push(`No endpoints found for ${requested} ${excludedBy.explanation}`);
      continue;
    }
    if (preferences.requireParameters) {
      const missing = new Set<string>();
      endpoints = endpoints.filter((endpoint) => {
        const lacking = supportsAll(endpoint, options.usedParameters);
        if (lacking !== undefined) missing.add(lacking);
        return lacking === undefined;
      });
      if (endpoints.length === 0) {
        reasons.push(`No endpoints found for ${requested} that support ${[...missing].join(", ")}`);
        continue;
      }
    }
    const configured = endpoints.filter((endpoint) => options.isConfigured(endpoint.providerSlug));
    for (const endpoint of endpoints) if (!options.isConfigured(endpoint.providerSlug)) unconfigured.add(endpoint.providerSlug);
    if (configured.length === 0) {
      const needed = [...new Set(endpoints.map((endpoint) => endpoint.providerSlug))].map((slug) => {
        const variable = options.configurationVariable(slug);
        return variable === undefined ? slug : `${variable} (${slug})`;
      });
      reasons.push(`No provider is configured for ${requested}: set ${needed.join(" or ")}`);
      continue;
    }
    const order = preferences.order ?? [];
    const rank = (endpoint: SnapshotEndpoint): number => {
      const index = order.indexOf(endpoint.providerSlug);
      return index < 0 ? order.length : index;
    };
    configured.sort((a, b) => {
      const byOrder = rank(a) - rank(b);
      if (byOrder !== 0) return byOrder;
      const byHealth = Number(a.status < 0) - Number(b.status < 0);
      if (byHealth !== 0) return byHealth;
      const byPrice = totalPrice(a) - totalPrice(b);
      return byPrice < 0n ? -1 : byPrice > 0n ? 1 : a.id - b.id;
    });
    for (const endpoint of configured) candidates.push({ endpoint, model: resolved.model, listedId: resolved.listedId });
  }

  if (candidates.length > 0) return preferences.allowFallbacks ? candidates : candidates.slice(0, 1);
  if (!anyModelKnown) throw invalidRequest(reasons.join("; "), "model", { error_type: "model_not_found" });
  if (unconfigured.size > 0 && reasons.every((reason) => reason.startsWith("No provider is configured"))) {
    const variables = [...unconfigured].map((slug) => options.configurationVariable(slug)).filter((variable) => variable !== undefined);
    throw new GatewayError("no_provider", `${reasons.join("; ")}, then restart the gateway (see the README's provider table).`, {
      metadata: { providers: [...unconfigured], env: variables },
    });
  }
  throw new GatewayError("not_found", reasons.join("; "), { metadata: { error_type: "no_endpoints" } });
}
