import type { CatalogSnapshot, SnapshotEndpoint } from "../catalog/catalog-snapshot.js";
import type { ModelRow } from "../db/schema/index.js";
import { GatewayError, invalidRequest } from "../core/errors.js";
import type { ProviderPreferences } from "../completions/chat-request.js";
import { preferenceFilters } from "./preference-filters.js";
import { resolveRequestedModel } from "./resolve-requested-model.js";

/** One endpoint the router may try, with the model id to report if it serves the request. */
export interface RouteCandidate {
  endpoint: SnapshotEndpoint;
  model: ModelRow;
  listedId: string;
  /** Position of its model in the request's `model` + `models` list: routing orders within each model in turn. */
  modelIndex: number;
  /** Set by a routing variant (`:nitro` sorts by throughput, `:floor` by price). */
  variantSort?: "price" | "throughput" | "latency";
  /** Tried although its circuit is open, because every candidate's is (see route-steps.ts). */
  lastResort?: boolean;
}

/** Parameters that every endpoint accepts, so they never exclude one under require_parameters. */
const ALWAYS_SUPPORTED = new Set(["max_tokens"]);

function supportsAll(endpoint: SnapshotEndpoint, used: readonly string[]): string | undefined {
  const supported = new Set(endpoint.supportedParameters);
  return used.find((parameter) => !ALWAYS_SUPPORTED.has(parameter) && !supported.has(parameter));
}

/**
 * The endpoints that may serve a request: for each requested model in fallback order, its endpoints that are
 * configured, allowed by `provider.only`/`ignore`, pass the data-policy, quantization and price filters (see
 * preference-filters.ts) and (under `require_parameters`) support every parameter used. The first step of the
 * routing pipeline (route-pipeline.ts), which then orders them. Explains an empty result with OpenRouter's
 * errors: 400 unknown model or variant, 404 no endpoint (with the reason), 503 no provider configured.
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

  for (const [modelIndex, requested] of options.models.entries()) {
    const found = resolveRequestedModel(options.snapshot, requested);
    if ("problem" in found) {
      reasons.push(found.problem);
      continue;
    }
    const { resolved } = found;
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
    for (const endpoint of configured) {
      const candidate: RouteCandidate = { endpoint, model: resolved.model, listedId: resolved.listedId, modelIndex };
      if (found.sortBy !== undefined) candidate.variantSort = found.sortBy;
      candidates.push(candidate);
    }
  }

  if (candidates.length > 0) return candidates;
  if (!anyModelKnown) throw invalidRequest(reasons.join("; "), "model", { error_type: "model_not_found" });
  if (unconfigured.size > 0 && reasons.every((reason) => reason.startsWith("No provider is configured"))) {
    const variables = [...unconfigured].map((slug) => options.configurationVariable(slug)).filter((variable) => variable !== undefined);
    throw new GatewayError("no_provider", `${reasons.join("; ")}, then restart the gateway (see the README's provider table).`, {
      metadata: { providers: [...unconfigured], env: variables },
    });
  }
  throw new GatewayError("not_found", reasons.join("; "), { metadata: { error_type: "no_endpoints" } });
}
