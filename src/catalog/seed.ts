import { readFileSync } from "node:fs";
import { count } from "drizzle-orm";
import { projectPath } from "../config/project-root.js";
import type { Database } from "../db/client.js";
import { models } from "../db/schema/index.js";
import { parseCatalogFile } from "./catalog-file.schema.js";
import type { CatalogFile } from "./catalog-file.schema.js";
import type { CatalogChangeSummary } from "./catalog-writer.js";
import { applyCatalog } from "./catalog-writer.js";

/** The catalog shipped in the repository, or the operator's own file. */
export function readCatalogFile(path: string = projectPath("src", "catalog", "data", "catalog.json")): CatalogFile {
  return parseCatalogFile(JSON.parse(readFileSync(path, "utf8")));
}

/** Seeds the catalog on first start (no models yet); later starts leave an operator's edits alone. */
export async function seedCatalogIfEmpty(db: Database, path?: string): Promise<CatalogChangeSummary | undefined> {
  const [row] = await db.select({ value: count() }).from(models);
  if ((row?.value ?? 0) > 0) return undefined;
  return applyCatalog(db, readCatalogFile(path));
}
