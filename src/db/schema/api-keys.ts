import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { createdAt, updatedAt } from "./columns.js";

/** `api` keys call models; `management` keys administer accounts, keys and credits and cannot call models. */
export type KeyKind = "api" | "management";

/** When a key's spend limit starts over: 00:00 UTC each day, each Monday, or the 1st of each month. */
export type LimitReset = "daily" | "weekly" | "monthly";

/**
 * API and management keys. The plaintext is never stored: `hash` is its SHA-256 hex (also the key's public id,
 * as OpenRouter's `hash`), `label` a masked form for display. Deleting a key sets `deleted_at` (ledger entries
 * keep pointing at it); a deleted, disabled or expired key fails authentication.
 *
 * Business rules: an `api` key always belongs to an account; a `management` key belongs to none and
 * administers every account, like the MANAGEMENT_KEY environment variable (the services create them without
 * an account; the column allows one so that account-scoped administrators can be added later). `spend_limit` (pico-dollars, null = unlimited) counts usage since the last reset in `limit_reset`
 * (null = lifetime); `include_byok_in_limit` adds bring-your-own-key spend to it.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    hash: text("hash").primaryKey(),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "restrict" }),
    kind: text("kind").$type<KeyKind>().notNull().default("api"),
    name: text("name").notNull(),
    label: text("label").notNull(),
    disabled: boolean("disabled").notNull().default(false),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    spendLimit: bigint("spend_limit", { mode: "bigint" }),
    limitReset: text("limit_reset").$type<LimitReset>(),
    includeByokInLimit: boolean("include_byok_in_limit").notNull().default(false),
    creatorUserId: text("creator_user_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    index("api_keys_account_idx").on(table.accountId),
    check("api_keys_kind_ck", sql`${table.kind} in ('api', 'management')`),
    check("api_keys_api_has_account_ck", sql`${table.kind} = 'management' or ${table.accountId} is not null`),
    check("api_keys_limit_reset_ck", sql`${table.limitReset} is null or ${table.limitReset} in ('daily', 'weekly', 'monthly')`),
    check("api_keys_spend_limit_ck", sql`${table.spendLimit} is null or ${table.spendLimit} >= 0`),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
