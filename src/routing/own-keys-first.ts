import type { RouteCandidate } from "./select-candidates.js";

/** A candidate endpoint together with the credential to call it with. */
export interface KeyedCandidate extends RouteCandidate {
  /** True: the account's own key of the endpoint's provider; false: the gateway's shared key. */
  ownKey: boolean;
}

/**
 * The bring-your-own-key step, applied to the ordered candidate list: every endpoint whose provider the
 * account has an own key for is tried with that key first (in the list's order, ahead of `provider.order`,
 * as OpenRouter does), then the list again on the gateway's shared keys, leaving out the providers that have
 * no shared key and those whose own key forbids the fallback (`allowFallback: false`), then the endpoints of
 * own keys marked `isFallback` (OpenRouter's "Fallback" keys, used after shared capacity).
 * https://openrouter.ai/docs/guides/overview/auth/byok
 */
export function ownKeysFirst(options: {
  candidates: readonly RouteCandidate[];
  /** The account's usable own keys by provider slug. */
  ownKeys: ReadonlyMap<string, { allowFallback: boolean; isFallback?: boolean }>;
  hasSharedKey: (providerSlug: string) => boolean;
}): KeyedCandidate[] {
  const { candidates, ownKeys } = options;
  const keyed: KeyedCandidate[] = [];
  const ownKeyed = (afterShared: boolean): void => {
    if (ownKeys.size === 0) return;
    for (const candidate of candidates) {
      const own = ownKeys.get(candidate.endpoint.providerSlug);
      if (own !== undefined && (own.isFallback === true) === afterShared) keyed.push({ ...candidate, ownKey: true });
    }
  };
  ownKeyed(false);
  for (const candidate of candidates) {
    const slug = candidate.endpoint.providerSlug;
    if (ownKeys.get(slug)?.allowFallback === false || !options.hasSharedKey(slug)) continue;
    keyed.push({ ...candidate, ownKey: false });
  }
  ownKeyed(true);
  return keyed;
}
