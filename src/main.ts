import "reflect-metadata";
import { startGateway } from "./app/gateway.js";
import { exitWithStartupFailure, wantsHelp } from "./cli/entry-point.js";
import { CONFIG_VARIABLES, loadConfig } from "./config/config.js";

const HELP = `usage: npm start            (or: node dist/src/main.js)

Serves the gateway: REST under /api/v1, GraphQL and its WebSocket at /graphql, health at /healthz and /readyz.
It takes no arguments; everything is configured through environment variables, validated at start:

  ${CONFIG_VARIABLES.join(" ")}

plus each provider's <PROVIDER>_API_KEY and <PROVIDER>_BASE_URL. The README's Configuration section says what
each one means. Administer it with \`npm run --silent cli -- --help\`.`;

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

if (wantsHelp(process.argv.slice(2))) {
  process.stdout.write(`${HELP}\n`);
} else {
  main().catch(exitWithStartupFailure);
}
