import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { projectPath } from "../config/project-root.js";
import type { DatabaseHandle } from "./client.js";

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}

/** How many committed migrations are applied, read from drizzle's own bookkeeping table. */
export async function readMigrationStatus(database: DatabaseHandle): Promise<{ applied: number; pending: number }> {
  const journal = JSON.parse(readFileSync(projectPath("migrations", "meta", "_journal.json"), "utf8")) as Journal;
  const result = await database.db.execute<{ count: number | string }>(
    sql`select count(*) as count from drizzle.__drizzle_migrations`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ count: number | string }>;
  const applied = Number(rows[0]?.count ?? 0);
  return { applied, pending: Math.max(0, journal.entries.length - applied) };
}
