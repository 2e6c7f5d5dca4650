import { sql } from "drizzle-orm";
import { check, pgTable, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { amount, updatedAt } from "./columns.js";

/**
 * The materialised balance of one account (pico-dollars), one row per account, created with it.
 *
 * Business rules: `balance` always equals the sum of the account's `ledger_entries.amount` (every change to
 * it inserts the matching entries in the same statement or transaction). `reserved` is the total of open
 * `reservations`; a reservation is only taken with a conditional update (`balance - reserved >= n`), so the
 * spendable amount never goes below zero through reservations. `balance` itself may go negative only when a
 * settlement costs more than its reservation; a negative balance refuses every request with 402.
 * `purchased` is credits bought (purchases and auto top-ups, net of refunds; grants excluded), which the free
 * tier reads; `usage` is the total charged for inference.
 */
export const creditBalances = pgTable(
  "credit_balances",
  {
    accountId: uuid("account_id")
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    balance: amount("balance"),
    reserved: amount("reserved"),
    purchased: amount("purchased"),
    usage: amount("usage"),
    updatedAt: updatedAt(),
  },
  (table) => [check("credit_balances_reserved_ck", sql`${table.reserved} >= 0`)],
);

export type CreditBalanceRow = typeof creditBalances.$inferSelect;
