import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import { sendError } from "../../../src/http/error-envelope.js";
import { createLimiter } from "../../../src/limits/create-limiter.js";
import { DEFAULT_LIMITS_CONFIG } from "../../../src/limits/limits-config.js";
import { contractsAvailable, validateOpenRouterResponse } from "../../support/contract.js";
import { manualClock } from "../../support/manual-clock.js";

/**
 * What a client receives when the limiter refuses: the HTTP status, the Retry-After and X-RateLimit-* headers,
 * and OpenRouter's envelope with the same headers in `error.metadata.headers`, through the one REST error path.
 */
const NOON = Date.UTC(2030, 0, 15, 12, 0, 0);

async function refusalOverHttp() {
  const limiter = createLimiter(DEFAULT_LIMITS_CONFIG, { clock: manualClock(NOON) });
  const admit = { accountId: "a", keyHash: "k", modelId: "x/y:free", isFree: true, purchasedTotal: 0n };
  for (let index = 0; index < 20; index += 1) await limiter.admit(admit);
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => sendError(reply, error));
  app.post("/api/v1/chat/completions", async () => {
    await limiter.admit(admit);
    return {};
  });
  const response = await app.inject({ method: "POST", url: "/api/v1/chat/completions", payload: {} });
  await app.close();
  return response;
}

describe("a rate-limit refusal over REST", () => {
  it("is a 429 with Retry-After and X-RateLimit-Limit/-Remaining/-Reset (ms epoch)", async () => {
    const response = await refusalOverHttp();
    expect(response.statusCode).toBe(429);
    expect(response.headers["retry-after"]).toBe("64");
    expect(response.headers["x-ratelimit-limit"]).toBe("20");
    expect(response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(response.headers["x-ratelimit-reset"]).toBe(String(NOON + 63_001));
  });

  it("carries OpenRouter's envelope, with the headers in metadata as on OpenRouter's platform 429s", async () => {
    const body: unknown = (await refusalOverHttp()).json();
    expect(body).toEqual({
      error: {
        code: 429,
        message: "Rate limit exceeded: free-models-per-min.",
        metadata: {
          error_type: "rate_limit_exceeded",
          headers: { "Retry-After": "64", "X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(NOON + 63_001) },
        },
      },
    });
  });

  it.skipIf(!contractsAvailable())("validates against OpenRouter's 429 response for chat completions", async () => {
    const body: unknown = (await refusalOverHttp()).json();
    expect(validateOpenRouterResponse("/api/v1/chat/completions", "post", 429, body)).toEqual([]);
  });

  it("is a retryable GatewayError for the pipeline's fallback logic", async () => {
    const limiter = createLimiter({ ...DEFAULT_LIMITS_CONFIG, FREE_MODEL_REQUESTS_PER_MINUTE: 0 }, { clock: manualClock(NOON) });
    const error: unknown = await limiter.admit({ accountId: "a", keyHash: "k", modelId: "x/y:free", isFree: true, purchasedTotal: 0n }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).retryable).toBe(true);
    expect((error as GatewayError).graphqlCode).toBe("RATE_LIMITED");
  });
});
