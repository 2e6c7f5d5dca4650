import type { RunningGateway, StartGatewayOptions } from "../../src/app/gateway.js";
import { startGateway } from "../../src/app/gateway.js";
import type { Config } from "../../src/config/config.js";
import { loadConfig } from "../../src/config/config.js";
import type { TestDatabase } from "./test-database.js";
import { createTestDatabase } from "./test-database.js";

export interface TestGateway extends RunningGateway {
  database: TestDatabase;
  /** Stops the gateway and drops its database. */
  stop(): Promise<void>;
}

/**
 * A real gateway on a free port of 127.0.0.1, on its own cloned database. Provider credentials come from
 * `env` only (never the developer's environment), so tests are hermetic.
 */
export async function startTestGateway(
  options: {
    env?: Record<string, string | undefined>;
    config?: Partial<Record<keyof Config, string>>;
    database?: TestDatabase;
    logDestination?: StartGatewayOptions["logDestination"];
  } = {},
): Promise<TestGateway> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    CATALOG_POLL_MS: "200",
    SHUTDOWN_GRACE_MS: "2000",
    REDIS_URL: process.env.REDIS_URL,
    // Each test gateway counts in its own Redis namespace, so files running side by side never share limits.
    RATE_LIMIT_KEY_PREFIX: `gw:test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
    // ...and keeps its endpoint health apart (cloned catalogs share endpoint ids).
    HEALTH_KEY_PREFIX: `gw:test:health:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
    // ... and publishes on its own channels, so no test hears another's events.
    PUBSUB_CHANNEL_PREFIX: `gw:test:ps:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
    ...options.config,
  });
  const gateway = await startGateway({ config, database: database.handle, env: options.env ?? {}, logDestination: options.logDestination });
  return {
    ...gateway,
    database,
    stop: async () => {
      await gateway.close();
      await database.destroy();
    },
  };
}
