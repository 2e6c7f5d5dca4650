import type { AccountService } from "../accounts/account-service.js";
import type { KeyService } from "../accounts/key-service.js";
import type { Authenticate } from "../auth/principal.js";
import type { AutoTopUpService } from "../billing/auto-top-up-service.js";
import type { CreditService } from "../billing/credit-service.js";
import type { LedgerQueries } from "../billing/ledger-queries.js";
import type { LedgerService } from "../billing/ledger-service.js";
import type { PaymentProvider } from "../billing/payment-provider.js";
import type { CatalogService } from "../catalog/catalog-service.js";
import type { Config } from "../config/config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { CompletionService } from "../completions/completion-service.js";
import type { GenerationRecorder } from "../generations/generation-recorder.js";
import type { RateLimiter } from "../limits/rate-limiter.js";
import type { RateLimitSettingsService } from "../limits/settings/rate-limit-settings-service.js";
import type { ProviderRegistry } from "../providers/registry.js";

/**
 * Every long-lived service the REST routes and GraphQL resolvers use, built once by the composition root
 * (`src/app/gateway.ts`). Both faces receive the same object, so they share every code path below parsing.
 */
export interface GatewayServices {
  config: Config;
  database: DatabaseHandle;
  pubSub: PubSub;
  catalog: CatalogService;
  authenticate: Authenticate;
  /** Tenants (src/accounts). */
  accounts: AccountService;
  /** API and management keys, with their spend. */
  keys: KeyService;
  /** Reserve, settle and release: the money side of every model call (src/billing/ledger-service.ts). */
  ledger: LedgerService;
  /** Ledger entries and payments, paged. */
  ledgerQueries: LedgerQueries;
  /** Purchases (with platform fee and volume discounts), grants, refunds, adjustments. */
  credits: CreditService;
  autoTopUp: AutoTopUpService;
  /** Where purchases are charged; the in-process provider unless a deployment plugs in a real one. */
  paymentProvider: PaymentProvider;
  /** Which providers are configured, and their adapters. */
  providers: ProviderRegistry;
  /** The one completion pipeline behind REST and GraphQL. */
  completions: CompletionService;
  generations: GenerationRecorder;
  /** Rate limits and free-tier quotas: global through Redis when REDIS_URL is set, per process otherwise. */
  limits: RateLimiter;
  /** Operator-set requests/tokens per minute per key and per account. */
  rateLimitSettings: RateLimitSettingsService;
}
