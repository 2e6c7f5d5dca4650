import type { AccountServices } from "../accounts/account-services.js";
import type { Authenticate } from "../auth/principal.js";
import type { CatalogService } from "../catalog/catalog-service.js";
import type { Config } from "../config/config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { CompletionService } from "../completions/completion-service.js";
import type { EmbeddingService } from "../embeddings/embedding-service.js";
import type { GenerationRecorder } from "../generations/generation-recorder.js";
import type { GenerationRetention } from "../generations/generation-retention.js";
import type { RateLimiter } from "../limits/rate-limiter.js";
import type { RateLimitSettingsService } from "../limits/settings/rate-limit-settings-service.js";
import type { ByokService } from "../byok/byok-service.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { EndpointHealth } from "../routing/health/endpoint-health.js";
import type { PrometheusMetrics } from "../metrics/prometheus-metrics.js";

/** The account and billing services the faces use, as `createAccountServices` builds them (see its file). */
export type TenancyServices = Pick<
  AccountServices,
  "accounts" | "keys" | "ledger" | "ledgerQueries" | "credits" | "autoTopUp" | "paymentProvider" | "limitPeriods"
>;

/**
 * Every long-lived service the REST routes and GraphQL resolvers use, built once by the composition root
 * (`src/app/gateway.ts`). Both faces receive the same object, so they share every code path below parsing.
 */
export interface GatewayServices extends TenancyServices {
  config: Config;
  database: DatabaseHandle;
  pubSub: PubSub;
  catalog: CatalogService;
  authenticate: Authenticate;
  /** Which providers are configured, and their adapters. */
  providers: ProviderRegistry;
  /** The one completion pipeline behind REST and GraphQL. */
  completions: CompletionService;
  /** Live endpoint health from real traffic (shared through Redis when REDIS_URL is set). */
  health: EndpointHealth;
  /** The embeddings pipeline behind REST and GraphQL, on the same billing, limits and generation records. */
  embeddings: EmbeddingService;
  generations: GenerationRecorder;
  /** Deletes generation records past GENERATION_RETENTION_DAYS, in bounded batches. */
  generationRetention: GenerationRetention;
  /** Rate limits and free-tier quotas: global through Redis when REDIS_URL is set, per process otherwise. */
  limits: RateLimiter;
  /** Operator-set requests/tokens per minute per key and per account. */
  rateLimitSettings: RateLimitSettingsService;
  /** Prometheus metrics of this instance, served at `GET /metrics`. */
  metrics: PrometheusMetrics;
  /** Accounts' own provider keys (bring your own key). */
  byok: ByokService;
}
