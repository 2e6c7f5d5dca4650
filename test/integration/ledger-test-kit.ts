import { sql } from "drizzle-orm";
import type { AccountServices } from "../../src/accounts/account-services.js";
import { createAccountServices } from "../../src/accounts/account-services.js";
import type { Principal } from "../../src/auth/principal.js";
import type { Clock } from "../../src/billing/clock.js";
import type { Amount } from "../../src/billing/money.js";
import type { PaymentProvider } from "../../src/billing/payment-provider.js";
import { queryRows, toAmount } from "../../src/billing/sql-rows.js";
import type { Config } from "../../src/config/config.js";
import { loadConfig } from "../../src/config/config.js";
import type { Database } from "../../src/db/client.js";
import type { LimitReset } from "../../src/db/schema/index.js";

/**
 * Shared setup of the ledger tests (not a test file): account services on a test database, an operator
 * principal, funded accounts, and the invariant check "balance = sum of the ledger".
 */

export const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };

export function ledgerConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ BILLING_SWEEP_MS: "0", LOG_LEVEL: "silent", ...overrides });
}

export function accountServicesFor(
  db: Database,
  options: { clock?: Clock; paymentProvider?: PaymentProvider; config?: Partial<Record<keyof Config, string>> } = {},
): AccountServices {
  return createAccountServices({ db, config: ledgerConfig(options.config), clock: options.clock, paymentProvider: options.paymentProvider });
}

export interface FundedAccount {
  accountId: string;
  keyHash: string;
  plaintext: string;
  /** The API key's principal, as the authenticator would build it. */
  principal: Principal;
}

/** A new account with one API key (optionally limited) and `credits` granted. */
export async function fundedAccount(
  services: AccountServices,
  options: { credits: Amount; spendLimit?: Amount | null; limitReset?: LimitReset | null; name?: string },
): Promise<FundedAccount> {
  const account = await services.accounts.create(OPERATOR, { name: options.name ?? "ledger test" });
  const created = await services.keys.create(OPERATOR, {
    accountId: account.id,
    name: "key",
    spendLimit: options.spendLimit ?? null,
    limitReset: options.limitReset ?? null,
  });
  if (options.credits > 0n) await services.credits.grant(OPERATOR, { accountId: account.id, credits: options.credits });
  return {
    accountId: account.id,
    keyHash: created.key.hash,
    plaintext: created.plaintext,
    principal: { kind: "api", accountId: account.id, keyHash: created.key.hash },
  };
}

export interface MoneyState {
  balance: Amount;
  reserved: Amount;
  ledgerSum: Amount;
  openReservations: Amount;
  keyReserved: Amount;
}

/** The account's balance, reservations and ledger sum, read in one statement (one snapshot). */
export async function moneyState(db: Database, accountId: string): Promise<MoneyState> {
  const [row] = await queryRows(
    db,
    sql`select b.balance::text as balance, b.reserved::text as reserved,
          (select coalesce(sum(amount), 0) from ledger_entries where account_id = b.account_id)::text as ledger_sum,
          (select coalesce(sum(amount), 0) from reservations where account_id = b.account_id)::text as open_reservations,
          (select coalesce(sum(s.reserved), 0) from key_spend s join api_keys k on k.hash = s.key_hash where k.account_id = b.account_id)::text as key_reserved
        from credit_balances b where b.account_id = ${accountId}::uuid`,
  );
  return {
    balance: toAmount(row?.balance),
    reserved: toAmount(row?.reserved),
    ledgerSum: toAmount(row?.ledger_sum),
    openReservations: toAmount(row?.open_reservations),
    keyReserved: toAmount(row?.key_reserved),
  };
}

/** Every account whose balance differs from the sum of its ledger entries (should be none, always). */
export async function ledgerMismatches(db: Database): Promise<Array<{ accountId: string; balance: string; ledgerSum: string }>> {
  const rows = await queryRows(
    db,
    sql`select b.account_id::text as account_id, b.balance::text as balance, coalesce(l.total, 0)::text as ledger_sum
        from credit_balances b
        left join (select account_id, sum(amount) as total from ledger_entries group by account_id) l on l.account_id = b.account_id
        where b.balance <> coalesce(l.total, 0)`,
  );
  return rows.map((row) => ({ accountId: String(row.account_id), balance: String(row.balance), ledgerSum: String(row.ledger_sum) }));
}
