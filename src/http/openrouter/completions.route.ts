import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { serveCompletion } from "./serve-completion.js";

/** `POST /api/v1/completions`: the legacy text completion API (`prompt` in, `choices[].text` out). */
export function registerCompletionsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post("/completions", (request, reply) => serveCompletion(services, request, reply, "completions"));
}
