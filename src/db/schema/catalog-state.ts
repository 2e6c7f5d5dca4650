import { bigint, integer, pgTable, timestamp } from "drizzle-orm/pg-core";

/**
 * A single row whose revision goes up on every catalog change (import, edit, seed). Each gateway instance
 * polls it and rebuilds its in-memory catalog snapshot when it moves, so an import made by the CLI or by
 * another instance reaches every instance.
 */
export const catalogState = pgTable("catalog_state", {
  id: integer("id").primaryKey().default(1),
  revision: bigint("revision", { mode: "number" }).notNull().default(0),
  changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
