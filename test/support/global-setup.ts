import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { seedCatalogIfEmpty } from "../../src/catalog/seed.js";
import { openDatabase } from "../../src/db/client.js";
import { withDatabaseName } from "./test-database.js";

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs once per `vitest run`: migrates and seeds one template database (PGlite folder, or a Postgres template
 * database when DATABASE_URL is set) that every test file clones.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== "") {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    const templateName = `gw_test_${process.pid}_template`;
    await admin.unsafe(`drop database if exists "${templateName}" with (force)`);
    await admin.unsafe(`create database "${templateName}"`);
    const template = await openDatabase({ url: withDatabaseName(serverUrl, templateName), dataDir: "unused", poolMax: 1 });
    await template.migrate();
    await seedCatalogIfEmpty(template.db);
    await template.close();
    // Leftovers from interrupted runs: databases whose creating process (the pid in the name) is gone.
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'gw_test_%'`;
    for (const row of stale) {
      const pid = Number(/^gw_test_(\d+)_/.exec(row.datname)?.[1]);
      if (Number.isInteger(pid) && processIsAlive(pid)) continue;
      await admin.unsafe(`drop database if exists "${row.datname}" with (force)`).catch(() => {});
    }
    await admin.end();
    process.env.GATEWAY_TEST_PG_TEMPLATE = templateName;
    return async () => {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${templateName}" with (force)`).catch(() => {});
      await cleanup.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "gw-template-"));
  const template = await openDatabase({ dataDir: dir });
  await template.migrate();
  await seedCatalogIfEmpty(template.db);
  await template.close();
  process.env.GATEWAY_TEST_PGLITE_TEMPLATE = dir;
  return async () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
