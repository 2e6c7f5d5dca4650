import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { notFound } from "../../core/errors.js";
import type { OpenRouterModelEndpoints } from "./serialize-endpoint.js";
import { serializeModelEndpoints } from "./serialize-endpoint.js";

/**
 * `GET /api/v1/models/{author}/{slug}/endpoints`: who serves a model and at what price. `slug` may carry the
 * `:free` variant (`meta-llama/llama-3.3-70b-instruct:free`), which lists the free endpoints only. Answered
 * from the in-memory catalog snapshot, like the routing it describes, with each endpoint's live uptime,
 * latency and throughput from the health figures; an unknown model or variant is a 404.
 */
export function registerModelEndpointsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get<{ Params: { author: string; slug: string } }>(
    "/models/:author/:slug/endpoints",
    async (request): Promise<{ data: OpenRouterModelEndpoints }> => {
      const requestedId = `${request.params.author}/${request.params.slug}`;
      const resolved = services.catalog.snapshot().resolve(requestedId);
      if (resolved === undefined) throw notFound(`Model ${requestedId} not found`, { model: requestedId });
      const now = Date.now();
      return { data: serializeModelEndpoints(resolved, (endpointId) => services.health.stats(endpointId, now)) };
    },
  );
}
