import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";

/**
 * The OpenRouter-compatible REST surface under `/api/v1`. One file per endpoint; this plugin only lists them.
 */
export async function openRouterRoutes(app: FastifyInstance, options: { services: GatewayServices }): Promise<void> {
  void options;
  void app;
}
