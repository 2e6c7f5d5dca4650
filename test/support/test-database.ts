import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { DatabaseHandle, OpenDatabaseOptions } from "../../src/db/client.js";
import { openDatabase } from "../../src/db/client.js";

/**
 * Test databases, prepared once per run by global-setup (migrated and seeded with the shipped catalog) and
 * cloned per test file: PGlite by copying the template data folder (about 1 s instead of a 6 s cold start),
 * Postgres by `CREATE DATABASE ... TEMPLATE`. With DATABASE_URL set the suite runs on that server.
 */

/** The Postgres template of this run (named after global-setup's pid, so concurrent runs do not collide). */
export function postgresTemplateName(): string {
  const name = process.env.GATEWAY_TEST_PG_TEMPLATE;
  if (name === undefined) throw new Error("GATEWAY_TEST_PG_TEMPLATE is not set: run the tests through vitest's global setup");
  return name;
}

/** Where global-setup leaves the PGlite template; passed to workers through the environment. */
export function pgliteTemplateDir(): string {
  const dir = process.env.GATEWAY_TEST_PGLITE_TEMPLATE;
  if (dir === undefined) throw new Error("GATEWAY_TEST_PGLITE_TEMPLATE is not set: run the tests through vitest's global setup");
  return dir;
}

/** The server URL with another database name. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** For starting a second gateway process on the same database. */
  url: string | undefined;
  dataDir: string | undefined;
  /** Opens another handle onto the same database (PGlite: only after the first is closed). */
  reopen(extra?: Partial<OpenDatabaseOptions>): Promise<DatabaseHandle>;
  destroy(): Promise<void>;
}

/** A fresh, migrated and seeded database for one test file. */
export async function createTestDatabase(extra: Partial<OpenDatabaseOptions> = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== "") {
    const name = `gw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template "${postgresTemplateName()}"`);
    await admin.end();
    const url = withDatabaseName(serverUrl, name);
    const handle = await openDatabase({ url, dataDir: "unused", ...extra });
    return {
      handle,
      url,
      dataDir: undefined,
      reopen: (more = {}) => openDatabase({ url, dataDir: "unused", ...more }),
      destroy: async () => {
        await handle.close().catch(() => {});
        const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
        await cleanup.end();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "gw-test-db-"));
  cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
  const handle = await openDatabase({ dataDir, ...extra });
  return {
    handle,
    url: undefined,
    dataDir,
    reopen: (more = {}) => openDatabase({ dataDir, ...more }),
    destroy: async () => {
      await handle.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
