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
  /** Accounts by id in key order, without scope checks: for DataLoaders whose keys were already checked. */
  loadMany(accountIds: readonly string[]): Promise<Array<AccountRow | undefined>>;
}

export function createAccountService(options: { db: Database }): AccountService {
  const { db } = options;

  async function find(accountId: string): Promise<AccountRow | undefined> {
    if (!isAccountId(accountId)) return undefined;
    const rows = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
    return rows[0];
  }

  return {
    async create(principal, input) {
      requireOperator(principal);
      const name = input.name.trim();
      if (name.length === 0 || name.length > 200) throw invalidRequest("name must be 1 to 200 characters", "name");
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
