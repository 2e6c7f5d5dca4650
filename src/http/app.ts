import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import type { GraphQLSchema } from "graphql";
import Fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { GatewayServices } from "../app/services.js";
import { notFound } from "../core/errors.js";
import { createApolloServer, createGuardedContext } from "../graphql/apollo.js";
import { registerPlaygroundAssets } from "../graphql/playground.js";
import { answerClientError } from "./client-error.js";
import { fromFastifyError, sendError } from "./error-envelope.js";
import { sendGraphQLTransportError } from "./graphql-transport-error.js";
import { registerHealthRoutes } from "./health.route.js";
import { acceptEmptyJsonBodies } from "./json-body-parser.js";
import { registerDashboardRoutes } from "./dashboard.route.js";
import { registerMetricsRoute, registerRequestMetrics } from "./metrics.route.js";
import { registerRequestLog } from "./request-log.js";
import { openRouterRoutes } from "./openrouter/index.js";

/**
 * The one Fastify server: REST under `/api/v1`, Apollo at `/graphql` (the WebSocket upgrade on the same path
 * is attached by the caller), health checks, `/metrics`, the playground's assets and the dashboard. Every error, ours or Fastify's, leaves
 * through `sendError` in OpenRouter's envelope.
 */
export async function buildHttpApp(options: {
  services: GatewayServices;
  schema: GraphQLSchema;
  /** The process's logger, shared with the services so every line has the same shape. */
  logger: FastifyBaseLogger;
}): Promise<FastifyInstance> {
  const { services } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: 20 * 1024 * 1024,
    forceCloseConnections: "idle",
    // One line per request, from registerRequestLog, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors raised before routing (a bad or too long URL, a malformed request) leave in the envelope too.
    frameworkErrors: (error, _request, reply) => sendError(reply, fromFastifyError(error) ?? error),
    clientErrorHandler: answerClientError,
  });

  acceptEmptyJsonBodies(app);
  registerRequestLog(app, { logBodies: services.config.LOG_BODIES });
  registerRequestMetrics(app, services.metrics);
  app.setErrorHandler((error, _request, reply) => sendError(reply, fromFastifyError(error) ?? error));
  app.setNotFoundHandler((request, reply) => sendError(reply, notFound(`No route for ${request.method} ${request.url}`)));

  registerHealthRoutes(app, services);
  registerMetricsRoute(app, services);
  registerPlaygroundAssets(app);
  registerDashboardRoutes(app);
  await app.register(openRouterRoutes, { prefix: "/api/v1", services });

  const apollo = createApolloServer({ schema: options.schema, services, plugins: [fastifyApolloDrainPlugin(app)] });
  await apollo.start();
  await app.register(async (graphqlScope) => {
    graphqlScope.setErrorHandler((error, _request, reply) => sendGraphQLTransportError(reply, error));
    await graphqlScope.register(fastifyApollo(apollo), {
      path: "/graphql",
      context: async (request) => createGuardedContext(services, request),
    });
  });
  return app;
}
