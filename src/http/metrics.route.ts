import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../app/services.js";
import { GatewayError } from "../core/errors.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";

/** A fixed-length digest, so comparing a presented token to the configured one takes the same time whatever it is. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * `GET /metrics`: the Prometheus exposition of this instance. With METRICS_TOKEN set, only
 * `Authorization: Bearer <METRICS_TOKEN>` may read it (401 in OpenRouter's envelope otherwise); without it the
 * route is open, for a scraper on a private network.
 */
export function registerMetricsRoute(app: FastifyInstance, services: GatewayServices): void {
  const expected = services.config.METRICS_TOKEN === undefined ? undefined : digest(`Bearer ${services.config.METRICS_TOKEN}`);
  app.get("/metrics", async (request, reply) => {
    if (expected !== undefined && !timingSafeEqual(digest(request.headers.authorization ?? ""), expected)) {
      throw new GatewayError("authentication", "GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`");
    }
    const exposition = await services.metrics.render();
    return reply.type(exposition.contentType).header("cache-control", "no-store").send(exposition.body);
  });
}

/** What a request that served no completion reports: no model, provider or upstream time. */
const NOTHING_SERVED = Object.freeze({});

/**
 * Observes every answered request once it has gone: its route pattern (never the URL, which carries ids), its
 * status and time, and what the route noted about the generation it served (see `noteCompletion`).
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook("onResponse", (request, reply, done) => {
    // `logFacts` is set by the request log's onRequest hook; a request refused before hooks run has none.
    metrics.observeHttpRequest(request.routeOptions.url ?? "", reply.statusCode, reply.elapsedTime, request.logFacts ?? NOTHING_SERVED);
    done();
  });
}
