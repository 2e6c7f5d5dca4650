import type { RouteContext, RouteStep } from "./route-context.js";
import { fitContext, limitFallbacks, orderWithinModels, preferPerformance, skipOpenCircuits, sortAcrossModels } from "./route-steps.js";
import type { RouteCandidate } from "./select-candidates.js";

/**
 * The order of the routing steps after the filters of select-candidates.ts. Ordering comes before the
 * breaker so an open endpoint's place is taken by the next in the same order; a step that puts some endpoints
 * first (an account's own provider keys, say) belongs after `preferPerformance`.
 */
export const DEFAULT_ROUTE_STEPS: readonly RouteStep[] = [fitContext, orderWithinModels, sortAcrossModels, preferPerformance, skipOpenCircuits, limitFallbacks];

/** Runs the steps in turn. */
export function runRouteSteps(candidates: RouteCandidate[], context: RouteContext, steps: readonly RouteStep[] = DEFAULT_ROUTE_STEPS): RouteCandidate[] {
  let current = candidates;
  for (const step of steps) current = step(current, context);
  return current;
}
