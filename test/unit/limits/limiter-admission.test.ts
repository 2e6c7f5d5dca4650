import { describe, expect, it } from "vitest";
import type { Principal } from "../../../src/auth/principal.js";
import { usd } from "../../../src/billing/money.js";
import { createLimiter } from "../../../src/limits/create-limiter.js";
import { createLimiterAdmission } from "../../../src/limits/limiter-admission.js";
import { DEFAULT_LIMITS_CONFIG } from "../../../src/limits/limits-config.js";
import { manualClock } from "../../support/manual-clock.js";
import { settingsTable } from "../../support/limiter-contract.js";

const NOON = Date.UTC(2030, 0, 15, 12, 0, 0);
const apiKey: Principal = { kind: "api", accountId: "acct", keyHash: "key" };

describe("the limiter as the completion pipeline's admission port", () => {
  it("looks up purchases only for free requests, caches them briefly, and applies the unlocked quota", async () => {
    const clock = manualClock(NOON);
    const limiter = createLimiter({ ...DEFAULT_LIMITS_CONFIG, FREE_MODEL_REQUESTS_PER_MINUTE: 10_000 }, { clock });
    let purchased = 0n;
    const lookups: string[] = [];
    const admission = createLimiterAdmission({
      limiter,
      clock,
      purchasedCacheMs: 5000,
      purchasedTotal: (accountId) => {
        lookups.push(accountId);
        return Promise.resolve(purchased);
      },
    });
    await admission.admit(apiKey, { modelId: "openai/gpt-4o", isFree: false });
    expect(lookups).toEqual([]);
    for (let index = 0; index < 50; index += 1) await admission.admit(apiKey, { modelId: "x/y:free", isFree: true });
    await expect(admission.admit(apiKey, { modelId: "x/y:free", isFree: true })).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
    expect(lookups).toEqual(["acct"]);
    purchased = usd(10); // bought credits: seen once the cached figure expires
    await expect(admission.admit(apiKey, { modelId: "x/y:free", isFree: true })).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
    clock.advance(5000);
    await expect(admission.admit(apiKey, { modelId: "x/y:free", isFree: true })).resolves.toBeDefined();
    expect(lookups).toEqual(["acct", "acct"]);
  });

  it("reports tokens through the ticket it returns", async () => {
    const clock = manualClock(NOON);
    const settings = settingsTable();
    settings.set("key", "key", { tokensPerMinute: 100 });
    const admission = createLimiterAdmission({ limiter: createLimiter(DEFAULT_LIMITS_CONFIG, { clock, settings }), clock, purchasedTotal: () => Promise.resolve(0n) });
    const ticket = await admission.admit(apiKey, { modelId: "openai/gpt-4o", isFree: false });
    await ticket.recordTokens(150);
    await expect(admission.admit(apiKey, { modelId: "openai/gpt-4o", isFree: false })).rejects.toMatchObject({
      message: "Rate limit exceeded: key-tokens-per-min.",
    });
  });

  it("refuses a principal without an account (management keys cannot call models)", async () => {
    const admission = createLimiterAdmission({ limiter: createLimiter(DEFAULT_LIMITS_CONFIG), purchasedTotal: () => Promise.resolve(0n) });
    await expect(admission.admit({ kind: "management", accountId: null, keyHash: "m" }, { modelId: "x", isFree: false })).rejects.toMatchObject({
      kind: "permission_denied",
    });
  });
});
