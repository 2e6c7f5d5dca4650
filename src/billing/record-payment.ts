import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "../db/client.js";
import { autoTopUps, creditBalances, ledgerEntries, payments } from "../db/schema/index.js";
import type { NewLedgerEntryRow, PaymentKind } from "../db/schema/index.js";
import type { Amount } from "./money.js";
import { formatUsd } from "./money.js";
import type { PlatformFee } from "./platform-fee.js";
import { describeFee } from "./platform-fee.js";

/**
 * Books a payment the provider accepted, inside the caller's transaction: marks it succeeded (only once: the
 * update is conditional on `pending`), adds the credits to the balance and to `purchased`, and appends the
 * entries that explain it: the payment itself (credits + fee, positive), the standard platform fee (negative)
 * and, when a volume tier applied, the discount given back (positive). They sum to exactly the credits bought.
 * A successful payment also clears the auto top-up's failure count.
 */
export async function recordSucceededPayment(
  tx: Transaction,
  options: {
    paymentId: string;
    accountId: string;
    kind: PaymentKind;
    credits: Amount;
    fee: PlatformFee;
    providerPaymentId: string;
    keyHash: string | null;
    now: Date;
  },
): Promise<{ balance: Amount; entryIds: number[] }> {
  const { credits, fee, now } = options;
  const marked = await tx
    .update(payments)
    .set({ status: "succeeded", providerPaymentId: options.providerPaymentId, updatedAt: now })
    .where(and(eq(payments.id, options.paymentId), eq(payments.status, "pending")))
    .returning({ id: payments.id });
  if (marked.length === 0) throw new Error(`Payment ${options.paymentId} is not pending`);
  const [updated] = await tx
    .update(creditBalances)
    .set({
      balance: sql`${creditBalances.balance} + ${credits}::bigint`,
      purchased: sql`${creditBalances.purchased} + ${credits}::bigint`,
      updatedAt: now,
    })
    .where(eq(creditBalances.accountId, options.accountId))
    .returning({ balance: creditBalances.balance });
  if (updated === undefined) throw new Error(`No credit balance for account ${options.accountId}`);
  const charged = credits + fee.fee;
  const before = updated.balance - credits;
  const common = { accountId: options.accountId, paymentId: options.paymentId, keyHash: options.keyHash };
  const feeFacts = describeFee(fee);
  const entries: NewLedgerEntryRow[] = [
    {
      ...common,
      type: options.kind,
      amount: charged,
      balanceAfter: before + charged,
      description: options.kind === "auto_top_up" ? "Auto top-up" : "Credit purchase",
      metadata: { credits_usd: formatUsd(credits), fee_usd: formatUsd(fee.fee), provider_payment_id: options.providerPaymentId },
    },
    {
      ...common,
      type: "platform_fee",
      amount: -fee.standardFee,
      balanceAfter: before + charged - fee.standardFee,
      description: "Platform fee",
      metadata: feeFacts,
    },
  ];
  if (fee.discount > 0n) {
    entries.push({
      ...common,
      type: "volume_discount",
      amount: fee.discount,
      balanceAfter: updated.balance,
      description: "Volume discount on the platform fee",
      metadata: feeFacts,
    });
  }
  const inserted = await tx.insert(ledgerEntries).values(entries).returning({ id: ledgerEntries.id });
  await tx
    .update(autoTopUps)
    .set({ failures: 0, nextAttemptAt: null, lastError: null, updatedAt: now })
    .where(and(eq(autoTopUps.accountId, options.accountId), sql`${autoTopUps.failures} > 0`));
  return { balance: updated.balance, entryIds: inserted.map((row) => row.id) };
}
