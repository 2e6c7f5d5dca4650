import { describe, expect, it } from "vitest";
import { billedTokens, capCostParts, chargedParts } from "../../../src/billing/usage-cost.js";
import { parseUsd } from "../../../src/billing/money.js";
import type { EndpointPricing } from "../../../src/catalog/catalog-snapshot.js";

const pricing: EndpointPricing = {
  prompt: parseUsd("0.000002"),
  completion: parseUsd("0.000012"),
  request: parseUsd("0.001"),
  image: parseUsd("0.0005"),
  inputCacheRead: parseUsd("0.0000002"),
  inputCacheWrite: 0n,
  internalReasoning: 0n,
};

describe("cost split for usage.cost_details", () => {
  const tokens = billedTokens({ inputTokens: { total: 1000, cacheRead: 400, cacheWrite: undefined }, outputTokens: { total: 300, reasoning: 100 } }, 2);

  it("puts prompt tokens, images and the request fee on the input side, and adds up to the whole cost exactly", () => {
    const parts = chargedParts({ tokens, pricing, finishReason: { unified: "stop", raw: "STOP" } });
    expect(parts.prompt).toBe(600n * pricing.prompt + 400n * pricing.inputCacheRead + 2n * pricing.image + pricing.request);
    expect(parts.completion).toBe(300n * pricing.completion);
    // The whole, priced by hand: 600 uncached + 400 cached prompt tokens, 2 images, the request fee, 300 completion tokens.
    expect(parts.prompt + parts.completion).toBe(parseUsd("0.0012") + parseUsd("0.00008") + parseUsd("0.001") + parseUsd("0.001") + parseUsd("0.0036"));
  });

  it("is zero on both sides when zero-completion insurance applies", () => {
    const nothing = billedTokens({ inputTokens: { total: 1000, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 0, reasoning: undefined } });
    expect(chargedParts({ tokens: nothing, pricing, finishReason: { unified: "error", raw: undefined } })).toEqual({ prompt: 0n, completion: 0n });
  });
});

describe("capCostParts: the hold is an upper bound on the charge", () => {
  it("keeps a cost within the cap as it is", () => {
    expect(capCostParts({ prompt: 30n, completion: 70n }, 100n)).toEqual({ prompt: 30n, completion: 70n });
  });

  it("cuts the output side first, then the input side, and the parts add up to the cap", () => {
    expect(capCostParts({ prompt: 30n, completion: 170n }, 100n)).toEqual({ prompt: 30n, completion: 70n });
    expect(capCostParts({ prompt: 130n, completion: 70n }, 100n)).toEqual({ prompt: 100n, completion: 0n });
    expect(capCostParts({ prompt: 5n, completion: 7n }, 0n)).toEqual({ prompt: 0n, completion: 0n });
  });
});
