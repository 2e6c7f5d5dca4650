import { boolean, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";

/**
 * A tenant: owns API keys, one credit balance (`credit_balances`), its ledger and its payments. Every
 * account-scoped query filters by this id; a key never reads or changes another account's rows. An operator
 * can disable an account: its keys stop working (403) on every instance within the key cache's few seconds,
 * and its balance, ledger and keys stay as they were until it is enabled again.
 */
export const accounts = pgTable("accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  disabled: boolean("disabled").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;
