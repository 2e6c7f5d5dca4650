import type { CatalogSnapshot, ResolvedModel } from "../catalog/catalog-snapshot.js";
import { splitVariant } from "../catalog/catalog-snapshot.js";
import type { RouteSort } from "../completions/chat-request.js";

/**
 * Variants that change how endpoints are ordered rather than which are listed: `:nitro` sorts by throughput,
 * `:floor` by price (OpenRouter also makes priority or flex service tiers eligible with them; the catalog has
 * no service tiers, so the standard endpoints are what they sort).
 * https://openrouter.ai/docs/guides/routing/model-variants/nitro
 */
const ROUTING_VARIANTS: Readonly<Record<string, RouteSort["by"]>> = { nitro: "throughput", floor: "price" };

/** A requested model id resolved to its endpoints, or why it cannot be. */
export type RequestedModel =
  | { resolved: ResolvedModel; sortBy?: RouteSort["by"] }
  | { problem: string };

/**
 * Resolves one id of the request's `model`/`models`: `author/slug`, a listed variant (`:free`, `:online`,
 * `:thinking`, `:extended`, where the catalog has such endpoints), or a routing variant (`:nitro`, `:floor`).
 * A variant the catalog does not list, or one the gateway does not know, is named in the problem (a 400).
 */
export function resolveRequestedModel(snapshot: CatalogSnapshot, requested: string): RequestedModel {
  const { baseId, variant, suffix } = splitVariant(requested);
  const sortBy = suffix === undefined ? undefined : ROUTING_VARIANTS[suffix];
  if (sortBy !== undefined) {
    const resolved = snapshot.resolve(baseId);
    if (resolved === undefined) return { problem: `${requested} is not a valid model ID` };
    return { resolved: { ...resolved, listedId: requested }, sortBy };
  }
  const resolved = snapshot.resolve(requested);
  if (resolved !== undefined) return { resolved };
  if (suffix !== undefined && snapshot.models.has(baseId)) {
    return {
      problem:
        variant === undefined
          ? `${requested}: the variant ":${suffix}" is not supported (known variants: :free, :nitro, :floor, :online, :thinking, :extended)`
          : `${requested}: the variant ":${suffix}" is not available for ${baseId} (the catalog lists no such endpoint)`,
    };
  }
  return { problem: `${requested} is not a valid model ID` };
}
