import type { Principal } from "../../src/auth/principal.js";
import type { Amount } from "../../src/billing/money.js";
import { parseUsd } from "../../src/billing/money.js";
import type { RunningGateway } from "../../src/app/gateway.js";

/** The operator (as if holding MANAGEMENT_KEY) that tests act as when setting up accounts. */
export const TEST_OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "test-operator" };

export interface FundedKey {
  apiKey: string;
  accountId: string;
  keyHash: string;
  /** The account's current balance (exact), once every settlement already started is written. */
  balance(): Promise<Amount>;
}

/**
 * A new account holding `usd` of granted credit, with one API key, made through the same services the
 * admin API and CLI use.
 */
export async function createFundedKey(gateway: RunningGateway, options: { usd: string; name?: string }): Promise<FundedKey> {
  const { services } = gateway;
  const account = await services.accounts.create(TEST_OPERATOR, { name: options.name ?? "test account" });
  const credits = parseUsd(options.usd);
  if (credits > 0n) await services.credits.grant(TEST_OPERATOR, { accountId: account.id, credits, reason: "test funds" });
  const { key, plaintext } = await services.keys.create(TEST_OPERATOR, { accountId: account.id, name: "test key" });
  return {
    apiKey: plaintext,
    accountId: account.id,
    keyHash: key.hash,
    balance: async () => {
      await services.completions.drain();
      return (await services.ledger.balanceOf(account.id)).balance;
    },
  };
}
