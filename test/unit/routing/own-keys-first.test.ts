import { describe, expect, it } from "vitest";
import { ownKeysFirst } from "../../../src/routing/own-keys-first.js";
import type { RouteCandidate } from "../../../src/routing/select-candidates.js";

/** A candidate with only what the step reads: the endpoint's provider (and an id to tell them apart). */
function candidate(id: number, providerSlug: string): RouteCandidate {
  return { endpoint: { id, providerSlug }, model: {}, listedId: "author/model" } as unknown as RouteCandidate;
}

const LIST = [candidate(1, "groq"), candidate(2, "openai"), candidate(3, "anthropic"), candidate(4, "openai")];
const shared = new Set(["groq", "openai", "anthropic"]);

function order(ownKeys: Map<string, { allowFallback: boolean; isFallback?: boolean }>, sharedKeys = shared): string[] {
  return ownKeysFirst({ candidates: LIST, ownKeys, hasSharedKey: (slug) => sharedKeys.has(slug) }).map(
    (entry) => `${entry.endpoint.id}:${entry.ownKey ? "own" : "shared"}`,
  );
}

describe("own keys first", () => {
  it("leaves the list as it is, on shared keys, without own keys", () => {
    expect(order(new Map())).toEqual(["1:shared", "2:shared", "3:shared", "4:shared"]);
  });

  it("tries every own-key endpoint first, in the list's order, then the whole list on shared keys", () => {
    expect(order(new Map([["openai", { allowFallback: true }]]))).toEqual(["2:own", "4:own", "1:shared", "2:shared", "3:shared", "4:shared"]);
  });

  it("never uses the shared key of a provider whose own key turns fallback off; other providers still serve", () => {
    expect(order(new Map([["openai", { allowFallback: false }]]))).toEqual(["2:own", "4:own", "1:shared", "3:shared"]);
  });

  it("tries an own key marked isFallback after the shared keys (OpenRouter's Fallback keys)", () => {
    expect(
      order(
        new Map([
          ["openai", { allowFallback: true, isFallback: true }],
          ["groq", { allowFallback: true }],
        ]),
      ),
    ).toEqual(["1:own", "1:shared", "2:shared", "3:shared", "4:shared", "2:own", "4:own"]);
  });

  it("uses an own key for a provider the gateway has no shared key for, and never that provider's shared key", () => {
    expect(order(new Map([["anthropic", { allowFallback: true }]]), new Set(["groq", "openai"]))).toEqual(["3:own", "1:shared", "2:shared", "4:shared"]);
  });
});
