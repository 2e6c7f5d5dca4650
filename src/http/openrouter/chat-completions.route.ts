import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { serveCompletion } from "./serve-completion.js";

/** `POST /api/v1/chat/completions`: OpenAI's Chat Completions with OpenRouter's extensions, JSON or SSE. */
export function registerChatCompletionsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post("/chat/completions", (request, reply) => serveCompletion(services, request, reply, "chat"));
}
