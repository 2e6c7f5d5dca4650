import { asc, eq, inArray } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { invalidRequest, notFound } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { accounts, creditBalances } from "../db/schema/index.js";
import type { AccountRow } from "../db/schema/index.js";
import { assertInScope, isAccountId, scopeOf } from "./account-scope.js";
import { requireOperator } from "./require-principal.js";

/** Accounts: the tenants. Creating one also creates its (zero) credit balance, in one transaction. */
export interface AccountService {
  /** Operator only. */
  create(principal: Principal, input: { name: string }): Promise<AccountRow>;
  /** The account if the caller may see it; 404 otherwise. */
  get(principal: Principal, accountId: string): Promise<AccountRow>;
  /** Operator: every account (paged); others: their own. */
  list(principal: Principal, page: { offset: number; limit: number }): Promise<AccountRow[]>;
  /**
   * Operator only: renames an account, or disables it (its keys are refused with 403 until it is enabled
   * again; balance, ledger and keys are kept) or enables it.
   */
  update(principal: Principal, accountId: string, input: { name?: string; disabled?: boolean }): Promise<AccountRow>;
  /** Accounts by id in key order, without scope checks: for DataLoaders whose keys were already checked. */
  loadMany(accountIds: readonly string[]): Promise<Array<AccountRow | undefined>>;
}

export function createAccountService(options: {
  db: Database;
  /**
   * Called after an account changed, so key caches forget its keys at once (here and, through the PubSub, on
   * every instance) and, when it was disabled, its keys' subscriptions end.
   */
  onAccountChanged?: (accountId: string, state: { disabled: boolean }) => void;
}): AccountService {
  const { db } = options;

  function validName(name: string): string {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw invalidRequest("name must be 1 to 200 characters", "name");
    return trimmed;
  }

  async function find(accountId: string): Promise<AccountRow | undefined> {
    if (!isAccountId(accountId)) return undefined;
    const rows = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
    return rows[0];
  }

  return {
    async create(principal, input) {
      requireOperator(principal);
      const name = validName(input.name);
      return db.transaction(async (tx) => {
        const [account] = await tx.insert(accounts).values({ name }).returning();
        if (account === undefined) throw new Error("account insert returned nothing");
        await tx.insert(creditBalances).values({ accountId: account.id });
        return account;
      });
    },

    async get(principal, accountId) {
      assertInScope(scopeOf(principal), accountId);
      const account = await find(accountId);
      if (account === undefined) throw notFound("Account not found");
      return account;
    },

    async update(principal, accountId, input) {
      requireOperator(principal);
      const changes: Partial<Pick<AccountRow, "name" | "disabled">> = {};
      if (input.name !== undefined) changes.name = validName(input.name);
      if (input.disabled !== undefined) changes.disabled = input.disabled;
      if (Object.keys(changes).length === 0) throw invalidRequest("Nothing to change: give name or disabled", "input");
      const [updated] = isAccountId(accountId)
        ? await db
            .update(accounts)
            .set({ ...changes, updatedAt: new Date() })
            .where(eq(accounts.id, accountId))
            .returning()
        : [];
      if (updated === undefined) throw notFound("Account not found");
      options.onAccountChanged?.(accountId, { disabled: updated.disabled });
      return updated;
    },

    async list(principal, page) {
      const scope = scopeOf(principal);
      if (scope.kind === "account") {
        const own = await find(scope.accountId);
        return own === undefined ? [] : [own];
      }
      return db.select().from(accounts).orderBy(asc(accounts.createdAt), asc(accounts.id)).offset(page.offset).limit(page.limit);
    },

    async loadMany(accountIds) {
      const valid = accountIds.filter(isAccountId);
      const rows = valid.length === 0 ? [] : await db.select().from(accounts).where(inArray(accounts.id, valid));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return accountIds.map((id) => byId.get(id));
    },
  };
}
