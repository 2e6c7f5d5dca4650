import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import type { ProviderRow } from "../../db/schema/index.js";

/** OpenRouter's provider entry (`GET /api/v1/providers`). */
export interface OpenRouterProvider {
  name: string;
  slug: string;
  privacy_policy_url: string | null;
  terms_of_service_url: string | null;
  status_page_url: string | null;
  /** ISO-3166 alpha-2 country of the company's headquarters. */
  headquarters: string | null;
  /** ISO-3166 alpha-2 countries where inference runs. */
  datacenters: string[];
}

/** A catalog provider in OpenRouter's shape. */
export function serializeProvider(provider: ProviderRow): OpenRouterProvider {
  return {
    name: provider.name,
    slug: provider.slug,
    privacy_policy_url: provider.privacyPolicyUrl,
    terms_of_service_url: provider.termsOfServiceUrl,
    status_page_url: provider.statusPageUrl,
    headquarters: provider.headquarters,
    datacenters: [...provider.datacenters],
  };
}

/**
 * `GET /api/v1/providers`: every provider in the catalog, by name, from the in-memory snapshot. The `slug` is
 * what routing preferences (`provider.order`, `only`, `ignore`) take.
 */
export function registerProvidersRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/providers", async (): Promise<{ data: OpenRouterProvider[] }> => {
    const providers = [...services.catalog.snapshot().providers.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { data: providers.map(serializeProvider) };
  });
}
