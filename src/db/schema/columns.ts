import { sql } from "drizzle-orm";
import { bigint, numeric, timestamp } from "drizzle-orm/pg-core";

/**
 * Shared column helpers, so every table stores the same kind of value the same way.
 */

/** A per-token (or per-request, per-image) price in USD: an exact decimal with 12 places, never a float. */
export const price = (name: string) => numeric(name, { precision: 30, scale: 12 }).notNull().default("0");

/**
 * Money in pico-dollars (1e-12 USD), see `src/billing/money.ts`. The default is SQL, not `0n`: drizzle-kit
 * cannot serialise a BigInt default into its snapshot.
 */
export const amount = (name: string) => bigint(name, { mode: "bigint" }).notNull().default(sql`0`);

/** Creation time, set by the database. */
export const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

/** Last change time; code sets it on every update. */
export const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
