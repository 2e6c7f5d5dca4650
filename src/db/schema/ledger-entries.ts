import { sql } from "drizzle-orm";
import { bigint, bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { createdAt } from "./columns.js";

/**
 * Every kind of money movement. Positive amounts add to the balance, negative ones take from it:
 * - `purchase` / `auto_top_up`: what the payment provider charged (credits plus the fee), positive;
 * - `platform_fee`: the standard fee on that payment, negative;
 * - `volume_discount`: the part of the standard fee given back by a volume tier, positive;
 * - `grant`: free credits given by an operator, positive;
 * - `usage`: inference, negative (one entry per settled request);
 * - `refund`: credits returned to the payer, negative;
 * - `adjustment`: an operator's correction, either sign.
 */
export type LedgerEntryType =
  | "purchase"
  | "auto_top_up"
  | "platform_fee"
  | "volume_discount"
  | "grant"
  | "usage"
  | "refund"
  | "adjustment";

/**
 * The append-only credit ledger (a trigger refuses UPDATE and DELETE). Business rule: for each account, the sum
 * of `amount` equals `credit_balances.balance` at every commit, because both change in the same statement or
 * transaction. `balance_after` is the balance that transaction left. A usage entry names its reservation,
 * and a reservation is settled at most once (unique index).
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "restrict" }),
    type: text("type").$type<LedgerEntryType>().notNull(),
    /** Signed pico-dollars. */
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    balanceAfter: bigint("balance_after", { mode: "bigint" }).notNull(),
    keyHash: text("key_hash"),
    reservationId: uuid("reservation_id"),
    paymentId: uuid("payment_id"),
    generationId: text("generation_id"),
    model: text("model"),
    description: text("description").notNull().default(""),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (table) => [
    index("ledger_entries_account_id_idx").on(table.accountId, table.id),
    index("ledger_entries_payment_idx").on(table.paymentId),
    uniqueIndex("ledger_entries_reservation_uq").on(table.reservationId).where(sql`${table.reservationId} is not null`),
  ],
);

export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;
export type NewLedgerEntryRow = typeof ledgerEntries.$inferInsert;
