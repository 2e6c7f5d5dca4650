import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { createdAt } from "./columns.js";

/**
 * Funds held for requests in flight. A row exists from `reserve` until `settle` or `release` deletes it; its
 * amount is included in `credit_balances.reserved` and `key_spend.reserved` for exactly that long. Rows past
 * `expires_at` were left by a crashed instance (or a request that outlived its deadline) and are reclaimed by
 * the sweeper, which deletes them and subtracts them from both counters in one statement.
 */
export const reservations = pgTable(
  "reservations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [index("reservations_expires_idx").on(table.expiresAt), check("reservations_amount_ck", sql`${table.amount} > 0`)],
);

export type ReservationRow = typeof reservations.$inferSelect;
