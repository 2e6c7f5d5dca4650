import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { Logger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { projectPath } from "../config/project-root.js";
import { acquireDataFolderLock, type DataFolderLock } from "./data-folder-lock.js";
import { PgliteWorkerClient } from "./pglite-worker-client.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;

/**
 * The one database type every service uses. PGlite and postgres.js give different Drizzle classes with the
 * same query API; services see only this common base, so the same code runs embedded and on a real server.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle, as passed to `db.transaction(async (tx) => ...)`. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  /**
   * The same database through sessions that do not wait for the commit to reach disk
   * (`synchronous_commit = off`). Only for writes whose loss in a crash is harmless, such as funds held for a
   * request that dies with the process: a crash can lose at most the last few hundred milliseconds of them,
   * never leave them half-applied, and any later durable commit makes them durable too (WAL order).
   * On PGlite it is the same handle as `db`.
   */
  relaxed: Database;
  /** `pglite` (embedded, in DATA_DIR, run in a worker thread) or `postgres` (DATABASE_URL). */
  kind: "pglite" | "postgres";
  /** Applies the committed SQL migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Runs a trivial query; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: this process's exclusive lock on the data folder, held until `close`. */
  dataFolderLock?: DataFolderLock;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite in `dataDir` is used. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory. */
  dataDir: string;
  poolMax?: number;
  /** Called with every SQL statement; tests count statements with it. */
  onQuery?: (sql: string) => void;
  /** What this process is, written into a PGlite folder's lock file for whoever is refused (default `gateway`). */
  role?: string;
}

const MIGRATIONS_FOLDER = projectPath("migrations");
/** Any fixed number: serialises migrations when several instances start against one Postgres. */
const MIGRATION_LOCK_ID = 724_001;

function queryLogger(onQuery: ((sql: string) => void) | undefined): Logger | undefined {
  return onQuery === undefined ? undefined : { logQuery: (sql) => onQuery(sql) };
}

/** Opens PGlite or Postgres according to the options; does not migrate. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const logger = queryLogger(options.onQuery);
  if (options.url !== undefined) {
    const client = postgres(options.url, {
      max: options.poolMax ?? 10,
      onnotice: () => {},
      // Money columns are bigint; postgres.js would otherwise return them as strings.
      types: { bigint: postgres.BigInt },
    });
    const db = drizzlePostgres(client, { schema, logger }) as unknown as Database;
    const relaxedClient = postgres(options.url, {
      max: Math.max(2, Math.ceil((options.poolMax ?? 10) / 2)),
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
      connection: { synchronous_commit: "off" },
    });
    const relaxed = drizzlePostgres(relaxedClient, { schema, logger }) as unknown as Database;
    return {
      db,
      relaxed,
      kind: "postgres",
      migrate: async () => {
        // A one-connection client, so the advisory lock and the migrations share a session (drizzle cannot
        // wrap a reserved connection of the pool).
        const single = postgres(options.url as string, { max: 1, onnotice: () => {} });
        try {
          await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
          await migratePostgres(drizzlePostgres(single, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
          await single`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        } finally {
          await single.end({ timeout: 5 });
        }
      },
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), relaxedClient.end({ timeout: 5 })]);
      },
    };
  }
  if (!options.dataDir.startsWith("memory://")) mkdirSync(options.dataDir, { recursive: true });
  // PGlite runs synchronously in the thread that calls it; in its own worker thread its statements (batches of
  // charges and generation records, a few milliseconds each) do not stall the requests, and as a SCHED_BATCH
  // thread it does not take the CPU from them on a shared core either. Drizzle's PGlite driver calls only
  // `query` and `transaction`, which the worker client provides with PGlite's signatures.
  // One process per folder: a second PGlite on the same files damages them without an error.
  const lock = options.dataDir.startsWith("memory://") ? undefined : acquireDataFolderLock(options.dataDir, options.role ?? "gateway");
  let client: PgliteWorkerClient;
  try {
    client = await PgliteWorkerClient.open(options.dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const asPglite = client as unknown as PGlite;
  const db = drizzlePglite({ client: asPglite, schema, logger }) as unknown as Database;
  return {
    db,
    relaxed: db,
    kind: "pglite",
    migrate: () => migratePglite(drizzlePglite({ client: asPglite, schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await client.query("select 1");
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
    ...(lock === undefined ? {} : { dataFolderLock: lock }),
  };
}
