import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { amount, createdAt, updatedAt } from "./columns.js";

export type PaymentKind = "purchase" | "auto_top_up";
export type PaymentStatus = "pending" | "succeeded" | "failed";

/**
 * Every attempt to take money through the payment provider, successful or not. A row is written `pending`
 * before the provider is called (its id is the idempotency key) and finished afterwards; only a succeeded
 * payment adds ledger entries. Failed auto top-ups stay here with their error, which is how a failed payment
 * is recorded; `refunded` is the credits given back so far (at most `credits`; fees are not refunded).
 */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "restrict" }),
    kind: text("kind").$type<PaymentKind>().notNull(),
    provider: text("provider").notNull(),
    providerPaymentId: text("provider_payment_id"),
    status: text("status").$type<PaymentStatus>().notNull().default("pending"),
    /** Credits bought. */
    credits: amount("credits"),
    /** The fee actually charged (after any volume discount). */
    fee: amount("fee"),
    /** credits + fee: what the payer was charged. */
    charged: amount("charged"),
    refunded: amount("refunded"),
    /** For auto top-ups: 1 for the first try, then one more per retry. */
    attempt: integer("attempt").notNull().default(1),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("payments_account_created_idx").on(table.accountId, table.createdAt)],
);

export type PaymentRow = typeof payments.$inferSelect;
