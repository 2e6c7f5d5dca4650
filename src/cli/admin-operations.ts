import type { Amount } from "../billing/money.js";
import type { LedgerEntryType, LimitReset } from "../db/schema/index.js";

/** A new key, as the CLI's `keys create` takes it. */
export interface NewKey {
  /** null for a management key. */
  accountId: string | null;
  kind: "api" | "management";
  name: string;
  spendLimit: Amount | null;
  limitReset: LimitReset | null;
  includeByokInLimit: boolean;
  expiresAt: Date | null;
}

/** A change to a key; absent fields stay as they are, `null` clears. */
export interface KeyChange {
  name?: string;
  disabled?: boolean;
  spendLimit?: Amount | null;
  limitReset?: LimitReset | null;
}

/**
 * Everything the operator CLI does, whichever way it reaches the gateway: straight to the database
 * (`createDirectAdmin`, for a stopped PGlite gateway or a Postgres) or through a running gateway's GraphQL
 * admin API with the management key (`createGatewayAdmin`). Commands parse their arguments once and call
 * these; each result is a JSON-ready value with money as exact decimal USD strings.
 */
export interface AdminOperations {
  /** Where the operations go, for the informational line on stderr. */
  readonly target: string;
  createAccount(input: { name: string }): Promise<unknown>;
  listAccounts(input: { limit: number; offset: number }): Promise<unknown>;
  setAccountDisabled(accountId: string, disabled: boolean): Promise<unknown>;
  createKey(input: NewKey): Promise<unknown>;
  listKeys(input: { accountId?: string; includeDisabled: boolean }): Promise<unknown>;
  getKey(hash: string): Promise<unknown>;
  updateKey(hash: string, change: KeyChange): Promise<unknown>;
  deleteKey(hash: string): Promise<unknown>;
  purchaseCredits(input: { accountId: string; credits: Amount }): Promise<unknown>;
  grantCredits(input: { accountId: string; credits: Amount; reason?: string }): Promise<unknown>;
  refundPayment(input: { paymentId: string; credits?: Amount; reason?: string }): Promise<unknown>;
  adjustCredits(input: { accountId: string; amount: Amount; reason: string }): Promise<unknown>;
  balance(accountId: string): Promise<unknown>;
  configureAutoTopUp(input: { accountId: string; enabled: boolean; threshold: Amount; amount: Amount }): Promise<unknown>;
  ledger(input: { accountId: string; first: number; after?: string; types?: LedgerEntryType[] }): Promise<unknown>;
  close(): Promise<void>;
}
