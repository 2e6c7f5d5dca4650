import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { seedCatalogIfEmpty } from "../../src/catalog/seed.js";
import { openDatabase } from "../../src/db/client.js";
import { TEMPLATE_DATABASE_NAME, withDatabaseName } from "./test-database.js";

/**
 * Runs once per `vitest run`: migrates and seeds one template database (PGlite folder, or a Postgres template
 * database when DATABASE_URL is set) that every test file clones.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== "") {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${TEMPLATE_DATABASE_NAME}" with (force)`);
    await admin.unsafe(`create database "${TEMPLATE_DATABASE_NAME}"`);
    const template = await openDatabase({ url: withDatabaseName(serverUrl, TEMPLATE_DATABASE_NAME), dataDir: "unused", poolMax: 1 });
    await template.migrate();
    await seedCatalogIfEmpty(template.db);
    await template.close();
    // Leftovers from interrupted runs.
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'gw_test_%'`;
    for (const row of stale) await admin.unsafe(`drop database if exists "${row.datname}" with (force)`).catch(() => {});
    await admin.end();
    return async () => {};
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
