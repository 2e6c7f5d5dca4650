import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";

/**
 * Requests-per-minute and tokens-per-minute limits an operator set on one account (all its keys together)
 * or one API key. Absent row or null column: no such limit. The counters themselves are not here: they
 * change on every request and live in Redis (or in process), see `src/limits/`.
 *
 * No foreign key: `subject_id` is an account id or a key's SHA-256 hash, and settings are only read for
 * subjects that authenticate, so a row left behind by a deleted key is inert.
 */
export const rateLimitSettings = pgTable(
  "rate_limit_settings",
  {
    /** `account` or `key`. */
    scope: text("scope").notNull(),
    /** The account id, or the key's SHA-256 hex hash. */
    subjectId: text("subject_id").notNull(),
    /** Requests in any sliding minute; null = unlimited. */
    requestsPerMinute: integer("requests_per_minute"),
    /** Prompt plus completion tokens in any sliding minute, charged after each request; null = unlimited. */
    tokensPerMinute: integer("tokens_per_minute"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.subjectId] }),
    check("rate_limit_settings_scope_ck", sql`${table.scope} in ('account', 'key')`),
    check("rate_limit_settings_rpm_ck", sql`${table.requestsPerMinute} is null or ${table.requestsPerMinute} > 0`),
    check("rate_limit_settings_tpm_ck", sql`${table.tokensPerMinute} is null or ${table.tokensPerMinute} > 0`),
  ],
);

export type RateLimitSettingsRow = typeof rateLimitSettings.$inferSelect;
