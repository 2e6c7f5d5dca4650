import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { payments } from "../db/schema/index.js";
import type { Amount } from "./money.js";
import { toAmount } from "./sql-rows.js";

/**
 * Credits an account bought (net of refunds) since the start of the current UTC month: what volume tiers read.
 * Payments are stamped with the service clock (not the database clock) so this agrees with the caller.
 */
export async function monthlyPurchaseVolume(db: Database, accountId: string, epochMs: number): Promise<Amount> {
  const now = new Date(epochMs);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${payments.credits} - ${payments.refunded}), 0)::text` })
    .from(payments)
    .where(
      and(
        eq(payments.accountId, accountId),
        eq(payments.status, "succeeded"),
        inArray(payments.kind, ["purchase", "auto_top_up"]),
        gte(payments.createdAt, monthStart),
      ),
    );
  return toAmount(row?.total ?? "0");
}
