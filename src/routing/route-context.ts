import type { ProviderPreferences } from "../completions/chat-request.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import type { EndpointHealth } from "./health/endpoint-health.js";
import type { RandomSource } from "./random-source.js";
import type { RouteCandidate } from "./select-candidates.js";

/** What the ordering steps of one routing decision may look at. */
export interface RouteContext {
  preferences: ProviderPreferences;
  health: EndpointHealth;
  breaker: CircuitBreaker;
  random: RandomSource;
  now: number;
  /** The prompt's likely token count. */
  promptTokens: number;
  /** `max_tokens`, when the request set it. */
  maxOutputTokens: number | undefined;
}

/**
 * One step of the routing pipeline: takes the candidates in their current order and returns them filtered or
 * reordered. Steps are listed in route-pipeline.ts; a new concern (own provider keys first, say) is a new step.
 */
export type RouteStep = (candidates: RouteCandidate[], context: RouteContext) => RouteCandidate[];
