import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import { createLogger } from "./create-logger.js";
import type { Config } from "../config/config.js";
import { createCatalogService } from "../catalog/catalog-service.js";
import { seedCatalogIfEmpty } from "../catalog/seed.js";
import type { DatabaseHandle } from "../db/client.js";
import { openDatabase } from "../db/client.js";
import { StartupError } from "../core/errors.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import { startGraphQLWebSocketServer } from "../graphql/ws-server.js";
import { buildHttpApp } from "../http/app.js";
import { createInProcessPubSub } from "../pubsub/in-process-pub-sub.js";
import { createRedisPubSub, subscriberConnection } from "../pubsub/redis-pub-sub.js";
import { createAccountEventPublisher } from "../events/account-events.js";
import { createCompletionService } from "../completions/completion-service.js";
import { createEmbeddingService } from "../embeddings/embedding-service.js";
import { createLedgerBilling } from "../completions/ledger-billing.js";
import { createLeaseBilling } from "../completions/lease-billing.js";
import { parseUsd } from "../billing/money.js";
import { createLimiterAdmission } from "../limits/limiter-admission.js";
import { createGenerationRecorder } from "../generations/generation-recorder.js";
import { createGenerationRetention } from "../generations/generation-retention.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createUpstreamDispatcher } from "../providers/shared/create-upstream-dispatcher.js";
import { randomUUID } from "node:crypto";
import { createLimiter } from "../limits/create-limiter.js";
import { connectRedis } from "../limits/redis/redis-connection.js";
import { createRateLimitSettingsService } from "../limits/settings/rate-limit-settings-service.js";
import { createAccountServices } from "../accounts/account-services.js";
import { meteredAdmission, meteredBilling } from "../metrics/metered-ports.js";
import { createPrometheusMetrics } from "../metrics/prometheus-metrics.js";
import type { GatewayServices } from "./services.js";
import { createRouter } from "../routing/router.js";
import { CircuitBreaker } from "../routing/circuit-breaker.js";
import { randomSourceFor } from "../routing/random-source.js";
import { createInProcessHealth } from "../routing/health/in-process-health.js";
import { createRedisHealth } from "../routing/health/redis-health.js";
import { RECENT_WINDOW_MS } from "../routing/health/health-view.js";
import { createByokService } from "../byok/byok-service.js";
import { createKeyCipher, parseEncryptionKey } from "../byok/key-cipher.js";
import { createOwnKeyPort } from "../byok/own-key-port.js";
import { parseRate } from "../billing/rate.js";

export interface RunningGateway {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  port: number;
  app: FastifyInstance;
  services: GatewayServices;
  /** Graceful stop: refuse new connections, finish in-flight requests, close sockets, close the database. */
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  config: Config;
  /** An already opened database (tests share prepared ones); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** Provider credentials and base URLs; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Where log lines go; standard output by default (tests capture them to check what is never logged). */
  logDestination?: DestinationStream;
}

/**
 * The composition root's body: opens the database, migrates, seeds the catalog, builds the services, the
 * schema and the server, and listens. `src/main.ts` adds only signal handling; tests call this directly.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = createLogger(config, options.logDestination);
  const database =
    options.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DATABASE_POOL_MAX }));
  await database.migrate();
  if (config.SEED_CATALOG) await seedCatalogIfEmpty(database.db, config.CATALOG_FILE);
  // Counters shared by every instance on this Redis; without REDIS_URL each instance counts for itself.
  const redis = config.REDIS_URL === undefined ? undefined : connectRedis(config.REDIS_URL);
  // Events reach subscribers on every instance through Redis; without it, on this instance only.
  const pubSub =
    redis === undefined
      ? createInProcessPubSub()
      : createRedisPubSub({ publisher: redis, subscriber: subscriberConnection(redis), channelPrefix: config.PUBSUB_CHANNEL_PREFIX, logger });
  const catalog = await createCatalogService({ db: database.db, pubSub, pollMs: config.CATALOG_POLL_MS, logger });
  const dispatcher = createUpstreamDispatcher({
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: config.UPSTREAM_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: config.UPSTREAM_BODY_TIMEOUT_MS,
  });
  const providers = createProviderRegistry({ env: options.env ?? process.env, dispatcher, generateId: () => randomUUID().replaceAll("-", "").slice(0, 24) });
  const generations = createGenerationRecorder({ db: database.db, flushMs: config.GENERATION_FLUSH_MS, logger });
  const generationRetention = createGenerationRetention({
    db: database.db,
    retentionDays: config.GENERATION_RETENTION_DAYS,
    batchSize: config.GENERATION_RETENTION_BATCH,
    intervalMs: config.GENERATION_RETENTION_INTERVAL_MS,
    logger,
  });
  const rateLimitSettings = createRateLimitSettingsService({ db: database.db, cacheMs: config.RATE_LIMIT_SETTINGS_CACHE_MS });
  const limits = createLimiter(config, { redis, settings: rateLimitSettings });
  const tenancy = createAccountServices({ db: database.db, relaxedDb: database.relaxed, config, pubSub, logger });
  const accountEvents = createAccountEventPublisher(pubSub);
  const billing = createLeaseBilling({
    ledger: tenancy.ledger,
    strict: createLedgerBilling(tenancy.ledger),
    leaseSize: parseUsd(config.CREDIT_LEASE_USD),
    flushMs: config.CREDIT_LEASE_FLUSH_MS,
    idleMs: config.CREDIT_LEASE_IDLE_MS,
    maxAgeMs: config.CREDIT_LEASE_MAX_AGE_MS,
    durable: config.BILLING_DURABILITY === "strict",
    logger,
  });
  const health =
    redis === undefined
      ? createInProcessHealth()
      : createRedisHealth({ redis, keyPrefix: config.HEALTH_KEY_PREFIX, syncMs: config.HEALTH_SYNC_MS, logger });
  const router = createRouter({
    snapshot: () => catalog.snapshot(),
    isConfigured: (slug) => providers.isConfigured(slug),
    configurationVariable: (slug) => providers.configurationVariable(slug),
    random: randomSourceFor(config.ROUTING_RANDOM_SEED),
    health,
    breaker: new CircuitBreaker({
      failureRatio: config.BREAKER_FAILURE_RATIO,
      minimumAttempts: config.BREAKER_MIN_ATTEMPTS,
      windowMs: RECENT_WINDOW_MS,
      coolDownMs: config.BREAKER_COOL_DOWN_MS,
    }),
  });
  const metrics = createPrometheusMetrics({ reservationsHeld: () => tenancy.ledger.heldNow() });
  const byok = createByokService({
    db: database.db,
    cipher: config.ENCRYPTION_KEY === undefined ? undefined : createKeyCipher(parseEncryptionKey(config.ENCRYPTION_KEY)),
    acceptsOwnKey: (slug) => providers.acceptsOwnKey(slug),
    cacheMs: config.BYOK_CACHE_MS,
    logger,
  });
  // One admission (limits, free tier) and one billing port for every pipeline, so each is metered once.
  const admission = meteredAdmission(createLimiterAdmission({ limiter: limits, purchasedTotal: (accountId) => tenancy.ledger.totalPurchased(accountId) }), metrics);
  const meteredBillingPort = meteredBilling(billing, metrics);
  const completions = createCompletionService({
    catalog,
    providers,
    router,
    billing: meteredBillingPort,
    admission,
    recorder: generations,
    durability: config.BILLING_DURABILITY,
    events: accountEvents,
    logger,
    metrics,
    ownKeys: createOwnKeyPort({ byok, db: database.db, rate: parseRate(config.BYOK_FEE_RATE), monthlyAllowance: parseUsd(config.BYOK_FREE_ALLOWANCE_USD) }),
  });
  const embeddings = createEmbeddingService({
    catalog,
    providers,
    router,
    billing: meteredBillingPort,
    admission,
    recorder: generations,
    durability: config.BILLING_DURABILITY,
    events: accountEvents,
    metrics,
    logger,
  });
  const services: GatewayServices = {
    config,
    database,
    pubSub,
    catalog,
    authenticate: tenancy.authenticator.authenticate,
    accounts: tenancy.accounts,
    keys: tenancy.keys,
    ledger: tenancy.ledger,
    ledgerQueries: tenancy.ledgerQueries,
    credits: tenancy.credits,
    autoTopUp: tenancy.autoTopUp,
    paymentProvider: tenancy.paymentProvider,
    limitPeriods: tenancy.limitPeriods,
    providers,
    completions,
    health,
    embeddings,
    generations,
    generationRetention,
    limits,
    rateLimitSettings,
    metrics,
    byok,
  };
  await tenancy.keyChanges?.start();
  const schema = await buildGatewaySchema(pubSub);
  const app = await buildHttpApp({ services, schema, logger });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await dispatcher.close().catch(() => {});
    if (options.database === undefined) await database.close().catch(() => {});
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new StartupError(`Port ${config.PORT} on ${config.HOST} is already in use: stop what listens there, or set PORT to another port.`, { cause: error });
    }
    throw error;
  }
  const webSockets = startGraphQLWebSocketServer({ httpServer: app.server, schema, services, logger });
  await catalog.start();
  tenancy.sweeper.start();
  tenancy.limitPeriods.start();
  generationRetention.start();
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  // A CLI started while this runs finds the address here and administers through the admin API.
  database.dataFolderLock?.recordUrl(url);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    services,
    close() {
      closing ??= (async () => {
        catalog.stop();
        await tenancy.sweeper.stop();
        tenancy.limitPeriods.stop();
        await generationRetention.stop();
        await webSockets.close();
        // In-flight requests finish; their keep-alive sockets are closed as soon as they turn idle.
        const sweepIdle = setInterval(() => app.server.closeIdleConnections(), 50);
        await app.close().finally(() => clearInterval(sweepIdle));
        await completions.drain();
        await embeddings.drain();
        await billing.close?.();
        await generations.close();
        await limits.close();
        await health.close();
        await pubSub.close();
        await redis?.quit().catch(() => redis.disconnect());
        await dispatcher.close();
        await database.close();
        metrics.close();
      })();
      return closing;
    },
  };
}
