import { boolean, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { amount, updatedAt } from "./columns.js";

/**
 * An account's auto top-up: when a settlement leaves the balance below `threshold`, buy `amount` of credits.
 *
 * Business rules: exactly one instance buys per dip below the threshold. The settlement that crosses it
 * claims the row by setting `claimed_at` with a conditional update (`claimed_at is null`), so concurrent
 * settlements cannot all buy. The claim is cleared when the payment finishes. A failure increments
 * `failures` and sets `next_attempt_at` (exponential backoff); the sweeper retries due rows and takes back
 * claims older than a few minutes (an instance that crashed mid-payment).
 */
export const autoTopUps = pgTable("auto_top_ups", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  enabled: boolean("enabled").notNull().default(false),
  threshold: amount("threshold"),
  amount: amount("amount"),
  claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }),
  failures: integer("failures").notNull().default(0),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
  lastError: text("last_error"),
  updatedAt: updatedAt(),
});

export type AutoTopUpRow = typeof autoTopUps.$inferSelect;
