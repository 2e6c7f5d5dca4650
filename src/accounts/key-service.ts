import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import type { Clock } from "../billing/clock.js";
import type { Amount } from "../billing/money.js";
import { currentSpend, limitRemaining } from "../billing/key-spend-figures.js";
import { nextLimitReset, periodStarts } from "../billing/limit-periods.js";
import { GatewayError, invalidRequest, notFound } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { accounts, apiKeys, keySpend } from "../db/schema/index.js";
import type { ApiKeyRow, KeySpendRow } from "../db/schema/index.js";
import { assertInScope, inScope, isAccountId, scopeOf, targetAccount } from "./account-scope.js";
import { generateApiKey, hashApiKey, isKeyHash, maskApiKey } from "./key-material.js";
import type { CreateKeyInput, KeyView, UpdateKeyInput } from "./key-view.js";
import { isOperator } from "./require-principal.js";

/**
 * API and management keys. Every method takes the caller and enforces who may do what, so REST and GraphQL
 * cannot differ:
 * - management keys manage every key, including other management keys (which belong to no account);
 * - API keys may see and manage their own account's API keys (as the account owner does on OpenRouter's
 *   website), except that a key with a spend limit may not create or change keys, so a budgeted key handed
 *   to an application cannot mint itself a bigger budget. API keys never see management keys.
 * A key outside the caller's reach is reported as not found.
 */
export interface KeyService {
  /** Creates a key and returns its plaintext, the only time it is ever available. */
  create(principal: Principal, input: CreateKeyInput): Promise<{ key: KeyView; plaintext: string }>;
  list(
    principal: Principal,
    options: { accountId?: string | null; includeDisabled: boolean; offset: number; limit: number },
  ): Promise<KeyView[]>;
  get(principal: Principal, hash: string): Promise<KeyView>;
  update(principal: Principal, hash: string, patch: UpdateKeyInput): Promise<KeyView>;
  /** Soft delete: the key stops authenticating (within the cache time on other instances). */
  delete(principal: Principal, hash: string): Promise<void>;
  /** The keys of several accounts, in key order (a DataLoader batch); no scope check. */
  loadByAccount(accountIds: readonly string[]): Promise<KeyView[][]>;
}

export interface KeyServiceOptions {
  db: Database;
  clock: Clock;
  /**
   * Called after a key changed or was deleted: the local authentication cache forgets it at once, and the
   * change is told to the other instances and to the key's open subscriptions.
   */
  onKeyChanged?: (change: KeyChange) => void;
}

/** What changed about a key, as other instances and subscriptions need to hear it. */
export interface KeyChange {
  hash: string;
  accountId: string | null;
  /** Deleted or disabled: the key opens no new operation, and its open subscriptions end. */
  revoked: boolean;
  /** The operator changed the key's spend limit or its reset period: it counts against the new one. */
  limitChanged: boolean;
  spendLimit: Amount | null;
  limitReset: "daily" | "weekly" | "monthly" | null;
}

const MAX_NAME = 200;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME) throw invalidRequest(`name must be 1 to ${MAX_NAME} characters`, "name");
  return trimmed;
}

function checkLimit(limit: bigint | null | undefined): void {
  if (limit !== undefined && limit !== null && limit < 0n) throw invalidRequest("limit must not be negative", "limit");
}

/** Whether the caller may create or change keys at all (see the service's rules). */
function assertMayManageKeys(principal: Principal): void {
  if (principal.kind === "management") return;
  if (principal.key?.spendLimit !== null && principal.key?.spendLimit !== undefined) {
    throw new GatewayError("permission_denied", "A key with a spend limit cannot create or change keys", { metadata: { reason: "limited_key" } });
  }
}

export function createKeyService(options: KeyServiceOptions): KeyService {
  const { db, clock } = options;

  function toView(row: ApiKeyRow, spendRow: KeySpendRow | undefined): KeyView {
    const now = clock.now();
    const spend = currentSpend(spendRow, periodStarts(now));
    return {
      hash: row.hash,
      accountId: row.accountId,
      kind: row.kind,
      name: row.name,
      label: row.label,
      disabled: row.disabled,
      expiresAt: row.expiresAt,
      spendLimit: row.spendLimit,
      limitReset: row.limitReset,
      includeByokInLimit: row.includeByokInLimit,
      creatorUserId: row.creatorUserId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      spend,
      limitRemaining: limitRemaining(spend, row),
      limitResetsAt: row.spendLimit === null ? null : nextLimitReset(row.limitReset, now),
    };
  }

  async function selectViews(where: SQL | undefined, page?: { offset: number; limit: number }): Promise<KeyView[]> {
    const query = db
      .select({ key: apiKeys, spend: keySpend })
      .from(apiKeys)
      .leftJoin(keySpend, eq(keySpend.keyHash, apiKeys.hash))
      .where(where)
      .orderBy(asc(apiKeys.createdAt), asc(apiKeys.hash));
    const rows = page === undefined ? await query : await query.offset(page.offset).limit(page.limit);
    return rows.map((row) => toView(row.key, row.spend ?? undefined));
  }

  /** The live key with this hash, if the caller may see it. */
  async function findVisible(principal: Principal, hash: string): Promise<KeyView> {
    if (!isKeyHash(hash)) throw notFound("API key not found");
    const [view] = await selectViews(and(eq(apiKeys.hash, hash), isNull(apiKeys.deletedAt)));
    const visible =
      view !== undefined && inScope(scopeOf(principal), view.accountId) && (principal.kind === "management" || view.kind === "api");
    if (!visible || view === undefined) throw notFound("API key not found");
    return view;
  }

  return {
    async create(principal, input) {
      assertMayManageKeys(principal);
      const kind = input.kind ?? "api";
      if (kind === "management") {
        // Management keys administer every account, so only a management key may create one, and it belongs to none.
        if (!isOperator(principal)) throw new GatewayError("permission_denied", "Only management keys can create management keys");
        if (input.accountId !== undefined && input.accountId !== null) {
          throw invalidRequest("A management key belongs to no account: omit the account", "account_id");
        }
      }
      const accountId = kind === "management" ? null : targetAccount(principal, input.accountId, "account_id");
      if (accountId !== null) {
        if (!isAccountId(accountId)) throw notFound("Account not found");
        const exists = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
        if (exists.length === 0) throw notFound("Account not found");
      }
      const name = checkName(input.name);
      checkLimit(input.spendLimit);
      if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt.getTime() <= clock.now()) {
        throw invalidRequest("expires_at must be in the future", "expires_at");
      }
      const plaintext = generateApiKey();
      const hash = hashApiKey(plaintext);
      await db.transaction(async (tx) => {
        await tx.insert(apiKeys).values({
          hash,
          accountId,
          kind,
          name,
          label: maskApiKey(plaintext),
          expiresAt: input.expiresAt ?? null,
          spendLimit: input.spendLimit ?? null,
          limitReset: input.limitReset ?? null,
          includeByokInLimit: input.includeByokInLimit ?? false,
          creatorUserId: input.creatorUserId ?? null,
        });
        await tx.insert(keySpend).values({ keyHash: hash });
      });
      const [view] = await selectViews(eq(apiKeys.hash, hash));
      if (view === undefined) throw new Error("created key not found");
      return { key: view, plaintext };
    },

    async list(principal, listOptions) {
      const scope = scopeOf(principal);
      const conditions: SQL[] = [isNull(apiKeys.deletedAt)];
      if (listOptions.accountId !== undefined && listOptions.accountId !== null) {
        assertInScope(scope, listOptions.accountId);
        if (!isAccountId(listOptions.accountId)) return [];
        conditions.push(eq(apiKeys.accountId, listOptions.accountId));
      } else if (scope.kind === "account") {
        conditions.push(eq(apiKeys.accountId, scope.accountId));
      }
      // The /keys listing shows API keys, as OpenRouter's does; management keys are administered apart.
      conditions.push(eq(apiKeys.kind, "api"));
      if (!listOptions.includeDisabled) conditions.push(eq(apiKeys.disabled, false));
      return selectViews(and(...conditions), { offset: listOptions.offset, limit: listOptions.limit });
    },

    get: findVisible,

    async update(principal, hash, patch) {
      assertMayManageKeys(principal);
      const existing = await findVisible(principal, hash);
      const values: Partial<typeof apiKeys.$inferInsert> = { updatedAt: new Date(clock.now()) };
      if (patch.name !== undefined) values.name = checkName(patch.name);
      if (patch.disabled !== undefined) values.disabled = patch.disabled;
      if (patch.spendLimit !== undefined) {
        checkLimit(patch.spendLimit);
        values.spendLimit = patch.spendLimit;
      }
      if (patch.limitReset !== undefined) values.limitReset = patch.limitReset;
      if (patch.includeByokInLimit !== undefined) values.includeByokInLimit = patch.includeByokInLimit;
      if (patch.expiresAt !== undefined) values.expiresAt = patch.expiresAt;
      await db.update(apiKeys).set(values).where(and(eq(apiKeys.hash, existing.hash), isNull(apiKeys.deletedAt)));
      const updated = await findVisible(principal, existing.hash);
      options.onKeyChanged?.({
        hash: existing.hash,
        accountId: existing.accountId,
        revoked: updated.disabled,
        limitChanged: patch.spendLimit !== undefined || patch.limitReset !== undefined,
        spendLimit: updated.spendLimit,
        limitReset: updated.limitReset,
      });
      return updated;
    },

    async delete(principal, hash) {
      assertMayManageKeys(principal);
      const existing = await findVisible(principal, hash);
      const now = new Date(clock.now());
      await db
        .update(apiKeys)
        .set({ deletedAt: now, updatedAt: now })
        .where(and(eq(apiKeys.hash, existing.hash), isNull(apiKeys.deletedAt)));
      options.onKeyChanged?.({ hash: existing.hash, accountId: existing.accountId, revoked: true, limitChanged: false, spendLimit: existing.spendLimit, limitReset: existing.limitReset });
    },

    async loadByAccount(accountIds) {
      const valid = accountIds.filter(isAccountId);
      if (valid.length === 0) return accountIds.map(() => []);
      const views = await selectViews(and(inArray(apiKeys.accountId, valid), isNull(apiKeys.deletedAt), eq(apiKeys.kind, "api")));
      const byAccount = new Map<string, KeyView[]>();
      for (const view of views) {
        if (view.accountId === null) continue;
        const list = byAccount.get(view.accountId) ?? [];
        list.push(view);
        byAccount.set(view.accountId, list);
      }
      return accountIds.map((id) => byAccount.get(id) ?? []);
    },
  };
}
