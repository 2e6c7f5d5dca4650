import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { registerByokRoute } from "./byok.route.js";
import { registerMessagesRoute } from "../anthropic/messages.route.js";
import { registerActivityRoute } from "./activity.route.js";
import { registerResponsesRoute } from "../responses/responses.route.js";
import { registerCreditsRoute } from "./credits.route.js";
import { registerKeyByHashRoute } from "./key-by-hash.route.js";
import { registerKeyRoute } from "./key.route.js";
import { registerKeysRoute } from "./keys.route.js";
import { registerChatCompletionsRoute } from "./chat-completions.route.js";
import { registerCompletionsRoute } from "./completions.route.js";
import { registerEmbeddingsRoute } from "./embeddings.route.js";
import { registerGenerationRoute } from "./generation.route.js";
import { registerModelEndpointsRoute } from "./model-endpoints.route.js";
import { registerModelsRoute } from "./models.route.js";
import { registerProvidersRoute } from "./providers.route.js";

/**
 * The OpenRouter-compatible REST surface under `/api/v1`, Anthropic's `/messages` and OpenAI's `/responses` faces included. One file per
 * endpoint; this plugin only lists them.
 */
export async function openRouterRoutes(app: FastifyInstance, options: { services: GatewayServices }): Promise<void> {
  registerModelsRoute(app, options.services);
  registerModelEndpointsRoute(app, options.services);
  registerProvidersRoute(app, options.services);
  registerKeyRoute(app, options.services);
  registerKeysRoute(app, options.services);
  registerKeyByHashRoute(app, options.services);
  registerCreditsRoute(app, options.services);
  registerByokRoute(app, options.services);
  registerChatCompletionsRoute(app, options.services);
  registerCompletionsRoute(app, options.services);
  registerMessagesRoute(app, options.services);
  registerEmbeddingsRoute(app, options.services);
  registerResponsesRoute(app, options.services);
  registerGenerationRoute(app, options.services);
  registerActivityRoute(app, options.services);
}
