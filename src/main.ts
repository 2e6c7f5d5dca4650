import "reflect-metadata";
import { startGateway } from "./app/gateway.js";
import { loadConfig } from "./config/config.js";

/**
 * The composition root: read configuration, start the gateway, stop it gracefully on SIGTERM or SIGINT
 * (stop accepting, finish in-flight HTTP, close WebSockets with 1001, close the database).
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
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
