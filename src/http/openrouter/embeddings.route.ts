import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { listModels } from "../../catalog/model-query.js";
import { newGenerationId } from "../../completions/generation-id.js";
import { parseEmbeddingRequest } from "../../embeddings/embedding-request-parser.js";
import { noteCompletion } from "../request-log.js";
import { appAttribution } from "./app-attribution.js";
import { embeddingsBody } from "./embeddings-response.js";
import type { ModelsListResponse } from "./models.route.js";
import { parseModelsQuery } from "./models-query.js";
import { requirePrincipal } from "./serve-completion.js";
import { serializeModel } from "./serialize-model.js";

/**
 * `POST /api/v1/embeddings` (OpenAI's embeddings with OpenRouter's routing and cost) and
 * `GET /api/v1/embeddings/models` (the catalog's embedding models, in `GET /models`' shape; no key needed).
 */
export function registerEmbeddingsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post("/embeddings", async (request, reply) => {
    const principal = await requirePrincipal(services, request);
    const embeddingRequest = parseEmbeddingRequest(request.body);
    const controller = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const result = await services.embeddings.embed(embeddingRequest, {
      principal,
      signal: controller.signal,
      generationId: newGenerationId(),
      attribution: appAttribution(request),
    });
    noteCompletion(request, result);
    return reply.header("x-generation-id", result.generationId).send(embeddingsBody(result, embeddingRequest.encodingFormat));
  });

  app.get("/embeddings/models", async (request): Promise<ModelsListResponse> => {
    const { options } = parseModelsQuery(request.query, (slug) => slug);
    const page = await listModels(services.database.db, { ...options, filter: { ...options.filter, outputModalities: ["embeddings"] } });
    return { data: page.entries.map(serializeModel), total_count: page.totalCount, links: { next: null } };
  });
}
