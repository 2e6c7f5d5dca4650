import type { ComplexityEstimatorArgs } from "graphql-query-complexity";

/**
 * Complexity estimates of the catalog's list fields, for the limit in `src/graphql/query-limits.ts`: a list
 * field costs its estimated length times what is selected under it, so `first` (or a typical list length)
 * multiplies children and a cyclic query (model → endpoints → provider → endpoints → model ...) grows
 * geometrically until it is refused with QUERY_TOO_COMPLEX.
 */

/** Endpoints of one model listing: most have 1 to 5. */
export const ENDPOINTS_PER_MODEL_ESTIMATE = 5;

/** Endpoints of one provider: a large host serves a few dozen models. */
export const ENDPOINTS_PER_PROVIDER_ESTIMATE = 50;

/** Providers in the catalog. */
export const PROVIDERS_ESTIMATE = 20;

/** A list field of about `length` items: one for the field, plus each item's selection. */
export function listComplexity(length: number) {
  return ({ childComplexity }: ComplexityEstimatorArgs): number => 1 + length * childComplexity;
}
