import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { createdAt, updatedAt } from "./columns.js";

/**
 * An account's own provider keys (bring your own key, BYOK): at most one per account and provider.
 *
 * Business rules: `encrypted_key` is AES-256-GCM under the server's ENCRYPTION_KEY, bound to the account and
 * the provider (see `src/byok/key-cipher.ts`), so the plaintext is never stored and a row copied to another
 * account or provider does not decrypt; `label` is a masked form for display. The key is only ever sent to
 * `provider_slug`. `allow_fallback` false means the account's requests never use the gateway's shared key of
 * that provider; `is_fallback` true (OpenRouter's "Fallback" keys) tries the own key after the shared ones
 * instead of before. A provider that refused the key (401/403) sets `rejected_at`, `rejected_status` and
 * `rejected_message`; a rejected or disabled key is skipped until the account replaces or re-enables it,
 * which clears the rejection.
 */
export const byokKeys = pgTable(
  "byok_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    providerSlug: text("provider_slug").notNull(),
    name: text("name").notNull().default(""),
    encryptedKey: text("encrypted_key").notNull(),
    label: text("label").notNull(),
    allowFallback: boolean("allow_fallback").notNull().default(true),
    isFallback: boolean("is_fallback").notNull().default(false),
    disabled: boolean("disabled").notNull().default(false),
    rejectedAt: timestamp("rejected_at", { withTimezone: true, mode: "date" }),
    rejectedStatus: integer("rejected_status"),
    rejectedMessage: text("rejected_message"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex("byok_keys_account_provider_uq").on(table.accountId, table.providerSlug)],
);

export type ByokKeyRow = typeof byokKeys.$inferSelect;
