import "reflect-metadata";
import { startGateway } from "./app/gateway.js";
import { loadConfig } from "./config/config.js";

/**
 * The composition root: read configuration, start the gateway, stop it gracefully on SIGTERM or SIGINT
 * (stop accepting, finish in-flight HTTP, close WebSockets with 1001, write pending ledger charges and
 * generation records, close the database), and the same way, exiting 1, after an uncaught error.
 */
async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const gateway = await startGateway({ config });
  const log = gateway.app.log;
  log.info(
    { url: gateway.url, database: gateway.services.database.kind, startupMs: Math.round(performance.now() - startedAt) },
    `gateway listening on ${gateway.url} (REST ${gateway.url}/api/v1, GraphQL ${gateway.url}/graphql)`,
  );
  let stopping = false;
  const stop = (signal: string, exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    gateway.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // A crash still writes the charges and generation records already settled in memory (the lease and
  // recorder batches) before exiting, within the same grace period; only a kill or power loss can lose them.
  const crash = (kind: string) => (error: unknown) => {
    log.fatal({ err: error }, `${kind}; stopping`);
    stop(kind, 1);
  };
  process.on("uncaughtException", crash("uncaught exception"));
  process.on("unhandledRejection", crash("unhandled rejection"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
