import type { Amount } from "../billing/money.js";
import type { CallOptions } from "../core/call-options.js";

/** What `provider.sort` orders by, and whether across the whole `models` list. */
export interface RouteSort {
  by: "price" | "throughput" | "latency";
  partition: "model" | "none";
}

/** Thresholds on an endpoint's p50/p75/p90/p99 figures; a plain number in the request is the p50. */
export interface PercentileThresholds {
  p50?: number;
  p75?: number;
  p90?: number;
  p99?: number;
}

/** OpenRouter's `provider` routing preferences (the subset the router honours). */
export interface ProviderPreferences {
  /** Provider slugs to try first, in this order. */
  order?: string[];
  /** Only these providers. */
  only?: string[];
  /** Never these providers. */
  ignore?: string[];
  /** false: try only the first choice (no failover to other providers). */
  allowFallbacks: boolean;
  /** Only endpoints that support every parameter the request uses; otherwise unsupported ones are dropped. */
  requireParameters: boolean;
  /**
   * `provider.sort`: order by price (cheapest first), throughput (fastest output first) or latency (quickest
   * first token first) instead of the price-weighted draw. `partition: "model"` (the default) sorts within
   * each model of `models` in turn; `"none"` sorts every model's endpoints together.
   */
  sort?: RouteSort;
  /** Soft: endpoints whose throughput (tokens/s) misses any given percentile move after those that meet them. */
  preferredMinThroughput?: PercentileThresholds;
  /** Soft: endpoints whose time to first token (ms) exceeds any given percentile move after those within them. */
  preferredMaxLatencyMs?: PercentileThresholds;
  /** `deny`: only providers that neither keep prompts nor train on them (per the catalog's data policy). */
  dataCollection: "allow" | "deny";
  /** Only providers that keep no prompts at all (zero data retention). */
  zdr: boolean;
  /** Only endpoints whose quantization is one of these (an endpoint of unknown quantization never matches). */
  quantizations?: string[];
  /**
   * Hard price ceilings: prompt and completion per million tokens, request and image per unit, all exact
   * amounts in pico-USD. An endpoint dearer on any given bound is not used.
   */
  maxPrice?: { prompt?: Amount; completion?: Amount; request?: Amount; image?: Amount };
}

/**
 * A chat completion request after parsing, whichever face it came through (REST body or GraphQL input). Everything
 * below the parsing layer (routing, billing, adapters, generation records) works from this.
 */
export interface ChatRequest {
  /** The requested model ids in fallback order: `model` first, then `models`. */
  models: string[];
  options: Omit<CallOptions, "abortSignal">;
  stream: boolean;
  /** Request parameter names the caller set (OpenAI spelling), for `provider.require_parameters`. */
  usedParameters: string[];
  provider: ProviderPreferences;
  /** The end-user id (`user`), recorded on the generation. */
  user?: string;
  /** Which API shape was used, for the generation record's `api_type` and response shaping. */
  apiType: "chat" | "completions" | "messages" | "responses";
}
