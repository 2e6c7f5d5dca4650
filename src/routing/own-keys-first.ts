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
 * no shared key and those whose own key forbids the fallback (`allowFallback: false`).
 * https://openrouter.ai/docs/guides/overview/auth/byok
 */
export function ownKeysFirst(options: {
  candidates: readonly RouteCandidate[];
  /** The account's usable own keys by provider slug. */
  ownKeys: ReadonlyMap<string, { allowFallback: boolean }>;
  hasSharedKey: (providerSlug: string) => boolean;
}): KeyedCandidate[] {
  const { candidates, ownKeys } = options;
  const keyed: KeyedCandidate[] = [];
  if (ownKeys.size > 0) {
    for (const candidate of candidates) if (ownKeys.has(candidate.endpoint.providerSlug)) keyed.push({ ...candidate, ownKey: true });
  }
  for (const candidate of candidates) {
    const slug = candidate.endpoint.providerSlug;
    if (ownKeys.get(slug)?.allowFallback === false || !options.hasSharedKey(slug)) continue;
    keyed.push({ ...candidate, ownKey: false });
  }
  return keyed;
}
