import type { AccountServices } from "../accounts/account-services.js";
import type { Principal } from "../auth/principal.js";
import type { AdminOperations } from "./admin-operations.js";

/**
 * The CLI's operations run in this process on the account services, against the database itself: for a
 * Postgres, or a PGlite folder no gateway holds (this process then holds its lock).
 */
export function createDirectAdmin(services: AccountServices, operator: Principal, target: string): AdminOperations {
  const { accounts, keys, credits, ledger, ledgerQueries, autoTopUp } = services;
  return {
    target,
    createAccount: (input) => accounts.create(operator, input),
    async listAccounts(input) {
      const rows = await accounts.list(operator, input);
      const balances = await ledger.loadBalances(rows.map((account) => account.id));
      return rows.map((account, index) => ({ ...account, balance: balances[index]?.balance, reserved: balances[index]?.reserved }));
    },
    setAccountDisabled: (accountId, disabled) => accounts.update(operator, accountId, { disabled }),
    async createKey(input) {
      const created = await keys.create(operator, input);
      return { key: created.plaintext, note: "Store this key now: it is not shown again.", ...created.key };
    },
    listKeys: (input) => keys.list(operator, { ...input, offset: 0, limit: 1000 }),
    getKey: (hash) => keys.get(operator, hash),
    updateKey: (hash, change) => keys.update(operator, hash, change),
    async deleteKey(hash) {
      await keys.delete(operator, hash);
      return { deleted: true, hash };
    },
    async purchaseCredits(input) {
      const result = await credits.purchase(operator, input);
      return { payment: result.payment, fee: result.fee.fee, standardFee: result.fee.standardFee, volumeDiscount: result.fee.discount, balance: result.balance };
    },
    grantCredits: (input) => credits.grant(operator, input),
    refundPayment: (input) => credits.refund(operator, input),
    adjustCredits: (input) => credits.adjust(operator, input),
    async balance(accountId) {
      await accounts.get(operator, accountId);
      return ledger.balanceOf(accountId);
    },
    configureAutoTopUp: (input) => autoTopUp.configure(operator, input),
    async ledger(input) {
      const page = await ledgerQueries.entries(operator, input);
      return { balance: await ledger.balanceOf(input.accountId), entries: page.entries, nextCursor: page.endCursor };
    },
    close: () => autoTopUp.idle(),
  };
}
