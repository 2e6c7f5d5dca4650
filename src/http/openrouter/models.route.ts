import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { listModels } from "../../catalog/model-query.js";
import type { OpenRouterModel } from "./serialize-model.js";
import { serializeModel } from "./serialize-model.js";
import { parseModelsQuery } from "./models-query.js";

/** `GET /api/v1/models`'s body: OpenRouter's `ModelsListResponse`. */
export interface ModelsListResponse {
  data: OpenRouterModel[];
  /** Listings matching the filters, whatever the page. */
  total_count: number;
  /** `next` is the following page's URL, or null on the last page and when the whole list was returned. */
  links: { next: string | null };
}

/** Maps a provider slug or display name (any case) to the catalog slug; unknown values stay as given and match nothing. */
function providerResolver(services: GatewayServices): (nameOrSlug: string) => string {
  const bySlugOrName = new Map<string, string>();
  for (const provider of services.catalog.snapshot().providers.values()) {
    bySlugOrName.set(provider.slug.toLowerCase(), provider.slug);
    bySlugOrName.set(provider.name.toLowerCase(), provider.slug);
  }
  return (nameOrSlug) => bySlugOrName.get(nameOrSlug.toLowerCase()) ?? nameOrSlug;
}

function nextLink(url: string, offset: number, limit: number): string {
  const parsed = new URL(url, "http://gateway.invalid");
  parsed.searchParams.set("offset", String(offset + limit));
  parsed.searchParams.set("limit", String(limit));
  return `${parsed.pathname}?${parsed.searchParams.toString()}`;
}

/**
 * `GET /api/v1/models`: the catalog as OpenRouter lists it, one entry per routable id (a model's `:free`
 * variant is its own entry). Filters, sorts and pagination follow OpenRouter's query parameters; the whole
 * list comes back when neither `offset` nor `limit` is given. No key is needed, as on OpenRouter. The same
 * listing query backs GraphQL's `models`, so both faces agree on what matches and in which order.
 */
export function registerModelsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/models", async (request): Promise<ModelsListResponse> => {
    const { options, paginated } = parseModelsQuery(request.query, providerResolver(services));
    const page = await listModels(services.database.db, options);
    const offset = options.offset ?? 0;
    const limit = options.limit ?? page.entries.length;
    const hasMore = paginated && offset + limit < page.totalCount;
    return {
      data: page.entries.map(serializeModel),
      total_count: page.totalCount,
      links: { next: hasMore ? nextLink(request.url, offset, limit) : null },
    };
  });

  /** `GET /api/v1/models/count`: how many listings `GET /models` would return for the same filters. */
  app.get("/models/count", async (request): Promise<{ data: { count: number } }> => {
    const { options } = parseModelsQuery(request.query, providerResolver(services));
    const page = await listModels(services.database.db, { ...options, offset: 0, limit: 1 });
    return { data: { count: page.totalCount } };
  });
}
