import type { CatalogSnapshot } from "../catalog/catalog-snapshot.js";
import type { ChatRequest } from "../completions/chat-request.js";
import type { GatewayError } from "../core/errors.js";
import { classifyAttemptError } from "./attempt-outcome.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import type { EndpointHealth } from "./health/endpoint-health.js";
import { createInProcessHealth } from "./health/in-process-health.js";
import type { RandomSource } from "./random-source.js";
import type { RouteStep } from "./route-context.js";
import { DEFAULT_ROUTE_STEPS, runRouteSteps } from "./route-pipeline.js";
import type { RouteCandidate } from "./select-candidates.js";
import { selectCandidates } from "./select-candidates.js";

/** What an attempt that answered tells health: its time to first token and, streamed, its output speed. */
export interface ServedAttempt {
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
}

/**
 * Routing as the completion pipeline sees it: the ordered candidates of a request, whether one may be tried
 * now (the breaker's half-open probe), and what each attempt's outcome teaches the health figures and the
 * breaker. Recording touches memory only.
 */
export interface Router {
  /**
   * The request's candidates in order. `isUsable` widens which providers count as configured for this one
   * request (an account's own keys); without it, the gateway's configured providers.
   */
  route(request: ChatRequest, prompt: { tokens: number }, isUsable?: (providerSlug: string) => boolean): RouteCandidate[];
  /** False when the candidate's circuit opened since routing, or another request holds its probe. */
  admit(candidate: RouteCandidate): boolean;
  recordFailure(candidate: RouteCandidate, error: GatewayError): void;
  recordSuccess(candidate: RouteCandidate, served: ServedAttempt): void;
  /** A request-caused end (cancelled before output): frees a probe, counts nothing. */
  recordNeutral(candidate: RouteCandidate): void;
  readonly health: EndpointHealth;
}

export function createRouter(options: {
  snapshot: () => CatalogSnapshot;
  isConfigured: (providerSlug: string) => boolean;
  configurationVariable: (providerSlug: string) => string | undefined;
  random: RandomSource;
  health?: EndpointHealth;
  breaker?: CircuitBreaker;
  clock?: () => number;
  steps?: readonly RouteStep[];
}): Router {
  const clock = options.clock ?? Date.now;
  const health = options.health ?? createInProcessHealth();
  const breaker = options.breaker ?? new CircuitBreaker();
  const steps = options.steps ?? DEFAULT_ROUTE_STEPS;
  return {
    health,
    route(request, prompt, isUsable) {
      const filtered = selectCandidates({
        snapshot: options.snapshot(),
        models: request.models,
        preferences: request.provider,
        usedParameters: request.usedParameters,
        isConfigured: isUsable ?? options.isConfigured,
        configurationVariable: options.configurationVariable,
      });
      return runRouteSteps(
        filtered,
        {
          preferences: request.provider,
          health,
          breaker,
          random: options.random,
          now: clock(),
          promptTokens: prompt.tokens,
          maxOutputTokens: request.options.maxOutputTokens,
        },
        steps,
      );
    },
    admit: (candidate) => candidate.lastResort === true || breaker.tryAcquire(candidate.endpoint.id, clock()),
    recordFailure(candidate, error) {
      const now = clock();
      const { result, restUntil } = classifyAttemptError(error, now);
      health.record({ endpointId: candidate.endpoint.id, result, at: now });
      breaker.record(candidate.endpoint.id, result, now);
      if (restUntil !== undefined) breaker.rest(candidate.endpoint.id, restUntil);
    },
    recordSuccess(candidate, served) {
      const now = clock();
      health.record({ endpointId: candidate.endpoint.id, result: "success", at: now, ...served });
      breaker.record(candidate.endpoint.id, "success", now);
    },
    recordNeutral(candidate) {
      breaker.record(candidate.endpoint.id, "neutral", clock());
    },
  };
}
