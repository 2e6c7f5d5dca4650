import type { ResolvedModel, SnapshotEndpoint } from "../../catalog/catalog-snapshot.js";
import type { EndpointStats } from "../../routing/health/endpoint-health.js";
import type { Percentiles } from "../../routing/health/log-histogram.js";
import type { OpenRouterArchitecture } from "./serialize-model.js";
import { listingName, serializeArchitecture, unixSeconds } from "./serialize-model.js";
import type { OpenRouterPricing } from "./serialize-pricing.js";
import { decimalPricing, serializePricing } from "./serialize-pricing.js";

/** OpenRouter's `PublicEndpoint`: one provider serving the model. */
export interface OpenRouterEndpoint {
  name: string;
  model_id: string;
  model_name: string;
  context_length: number;
  pricing: OpenRouterPricing;
  provider_name: string;
  tag: string;
  quantization: string | null;
  max_completion_tokens: number | null;
  max_prompt_tokens: number | null;
  supported_parameters: string[];
  status: number;
  uptime_last_5m: number | null;
  uptime_last_30m: number | null;
  uptime_last_1d: number | null;
  supports_implicit_caching: boolean;
  supports_tool_choice: ToolChoiceSupport;
  latency_last_30m: Percentiles | null;
  throughput_last_30m: Percentiles | null;
}

/** Which `tool_choice` values the endpoint honours, as OpenRouter's SDK requires on every endpoint. */
export interface ToolChoiceSupport {
  auto: boolean;
  none: boolean;
  required: boolean;
  function: boolean;
}

/**
 * From the endpoint's supported parameters: with `tools`, `auto` and `none` always work (they mean "decide" and
 * "send no tools"); forcing a call (`required`, a named function) needs `tool_choice` itself.
 */
function toolChoiceSupport(supportedParameters: readonly string[]): ToolChoiceSupport {
  const tools = supportedParameters.includes("tools");
  const forcing = tools && supportedParameters.includes("tool_choice");
  return { auto: tools, none: tools, required: forcing, function: forcing };
}

/** `GET /api/v1/models/{author}/{slug}/endpoints`'s `data`: OpenRouter's `ListEndpointsResponse`. */
export interface OpenRouterModelEndpoints {
  id: string;
  name: string;
  created: number;
  description: string;
  architecture: OpenRouterArchitecture;
  endpoints: OpenRouterEndpoint[];
}

/**
 * The order endpoints are listed in: cheapest first by prompt + completion price (the listing's "top provider"
 * comes first, as in the model list), then by provider slug so the order is stable.
 */
export function compareEndpoints(a: SnapshotEndpoint, b: SnapshotEndpoint): number {
  const byPrice = a.pricing.prompt + a.pricing.completion - (b.pricing.prompt + b.pricing.completion);
  if (byPrice !== 0n) return byPrice < 0n ? -1 : 1;
  return a.providerSlug.localeCompare(b.providerSlug);
}

function serializeEndpoint(resolved: ResolvedModel, endpoint: SnapshotEndpoint, stats: EndpointStats): OpenRouterEndpoint {
  const { model } = resolved;
  return {
    name: `${endpoint.providerName} | ${resolved.listedId}`,
    model_id: model.canonicalSlug,
    model_name: listingName(model, resolved.variant),
    context_length: endpoint.contextLength,
    pricing: serializePricing(decimalPricing(endpoint.pricing)),
    provider_name: endpoint.providerName,
    tag: endpoint.providerSlug,
    quantization: endpoint.quantization,
    max_completion_tokens: endpoint.maxCompletionTokens,
    max_prompt_tokens: endpoint.maxPromptTokens,
    supported_parameters: [...endpoint.supportedParameters],
    status: endpoint.status,
    // Live figures from this gateway's traffic (all instances' with Redis); null until an endpoint had any.
    uptime_last_5m: stats.uptimeLast5m,
    uptime_last_30m: stats.uptimeLast30m,
    uptime_last_1d: stats.uptimeLast1d,
    // A cache-read price without a cache-write price is a provider that caches on its own (OpenAI, DeepSeek,
    // Gemini); providers that bill writes (Anthropic) need explicit cache_control breakpoints.
    supports_implicit_caching: endpoint.pricing.inputCacheRead > 0n && endpoint.pricing.inputCacheWrite === 0n,
    supports_tool_choice: toolChoiceSupport(endpoint.supportedParameters),
    latency_last_30m: stats.latencyLast30m,
    throughput_last_30m: stats.throughputLast30m,
  };
}

/**
 * A resolved model id (`author/slug` or `author/slug:<variant>`) with its endpoints, in OpenRouter's shape;
 * `statsOf` gives each endpoint's live health figures.
 */
export function serializeModelEndpoints(resolved: ResolvedModel, statsOf: (endpointId: number) => EndpointStats): OpenRouterModelEndpoints {
  const { model } = resolved;
  return {
    id: resolved.listedId,
    name: listingName(model, resolved.variant),
    created: unixSeconds(model.releasedAt),
    description: model.description,
    architecture: serializeArchitecture(model),
    endpoints: [...resolved.endpoints].sort(compareEndpoints).map((endpoint) => serializeEndpoint(resolved, endpoint, statsOf(endpoint.id))),
  };
}
