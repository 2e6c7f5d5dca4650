import { describe, expect, it } from "vitest";
import { createLimiter } from "../../../src/limits/create-limiter.js";
import { DEFAULT_LIMITS_CONFIG } from "../../../src/limits/limits-config.js";
import { limiterContract, NOON } from "../../support/limiter-contract.js";
import { manualClock } from "../../support/manual-clock.js";

limiterContract("in-process limiter", ({ config, clock, settings }) => createLimiter(config, { clock, settings }));

describe("in-process limiter", () => {
  it("is chosen when no Redis connection is given", () => {
    expect(createLimiter(DEFAULT_LIMITS_CONFIG).kind).toBe("in-process");
  });

  it("keeps separate counts per limiter instance (one gateway process each)", async () => {
    const clock = manualClock(NOON);
    const admit = { accountId: "a", keyHash: "k", modelId: "m:free", isFree: true, purchasedTotal: 0n };
    const first = createLimiter(DEFAULT_LIMITS_CONFIG, { clock });
    const second = createLimiter(DEFAULT_LIMITS_CONFIG, { clock });
    for (let index = 0; index < 20; index += 1) await first.admit(admit);
    await expect(first.admit(admit)).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
    await expect(second.admit(admit)).resolves.toMatchObject({ accountId: "a" });
  });
});
