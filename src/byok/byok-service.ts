import { and, eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import { assertInScope, isAccountId, scopeOf, targetAccount } from "../accounts/account-scope.js";
import { maskApiKey } from "../accounts/key-material.js";
import type { Principal } from "../auth/principal.js";
import { BoundedMap } from "../cache/bounded-map.js";
import type { OwnKey } from "../completions/completion-ports.js";
import { GatewayError, invalidRequest, notFound } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { byokKeys } from "../db/schema/index.js";
import type { ByokKeyView } from "./byok-key-view.js";
import { toByokKeyView } from "./byok-key-view.js";
import type { KeyCipher } from "./key-cipher.js";
import { cipherContext } from "./key-cipher.js";

export interface PutByokKeyInput {
  /** Required for operators; an API key's own account otherwise. */
  accountId?: string | null;
  provider: string;
  key: string;
  name?: string;
  allowFallback?: boolean;
  isFallback?: boolean;
  disabled?: boolean;
}

export interface UpdateByokKeyInput {
  key?: string;
  name?: string;
  allowFallback?: boolean;
  isFallback?: boolean;
  disabled?: boolean;
}

/**
 * An account's own provider keys: stored encrypted, listed masked, and handed decrypted only to the
 * completion pipeline (`ownKeys`), which caches them per account for `cacheMs` so the hot path makes no
 * database round trip. An API key manages its own account's keys; an operator (management key) any
 * account's. A key outside the caller's scope behaves as missing (404).
 */
export interface ByokService {
  /** Whether ENCRYPTION_KEY is set; without it storing a key is refused and no own key is used. */
  readonly enabled: boolean;
  list(principal: Principal, accountId?: string): Promise<ByokKeyView[]>;
  get(principal: Principal, id: string): Promise<ByokKeyView>;
  /** Stores (or replaces) the account's key for a provider, clearing any rejection. */
  put(principal: Principal, input: PutByokKeyInput): Promise<{ key: ByokKeyView; created: boolean }>;
  update(principal: Principal, id: string, input: UpdateByokKeyInput): Promise<ByokKeyView>;
  remove(principal: Principal, id: string): Promise<void>;
  /** The account's active keys by provider slug, decrypted (cached). */
  ownKeys(accountId: string): Promise<ReadonlyMap<string, OwnKey>>;
  /** Marks a key its provider refused, so it is skipped until the account replaces or re-enables it. */
  reportRejected(input: { accountId: string; keyId: string; sealed: string; status: number; message: string }): Promise<void>;
}

const NO_KEYS: ReadonlyMap<string, OwnKey> = new Map();
/** Longest key accepted: provider keys are far shorter; this bounds what is encrypted and stored. */
const MAX_KEY_LENGTH = 1000;

function validKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length === 0) throw invalidRequest("key must not be empty", "key");
  if (trimmed.length > MAX_KEY_LENGTH) throw invalidRequest(`key must be at most ${MAX_KEY_LENGTH} characters`, "key");
  // The key goes into an HTTP header: no whitespace or control characters.
  if (!/^[\x21-\x7e]+$/.test(trimmed)) throw invalidRequest("key must be printable ASCII without spaces", "key");
  return trimmed;
}

function validName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name.length > 100) throw invalidRequest("name must be at most 100 characters", "name");
  return name;
}

export function createByokService(options: {
  db: Database;
  /** Undefined when ENCRYPTION_KEY is not set. */
  cipher: KeyCipher | undefined;
  /** Whether own keys can be used with this provider (a known provider that takes an API key). */
  acceptsOwnKey: (providerSlug: string) => boolean;
  cacheMs: number;
  clock?: () => number;
  logger?: FastifyBaseLogger;
}): ByokService {
  const { db, cipher } = options;
  const clock = options.clock ?? Date.now;
  const cache = new BoundedMap<string, { keys: ReadonlyMap<string, OwnKey>; expiresAt: number }>(50_000);
  const loading = new Map<string, Promise<ReadonlyMap<string, OwnKey>>>();
  /** Bumped by every change, so a read that raced a write does not cache what it read. */
  let writes = 0;

  function changed(accountId: string): void {
    writes += 1;
    cache.delete(accountId);
  }

  function requireCipher(): KeyCipher {
    if (cipher === undefined) {
      throw invalidRequest("Bring your own key is not enabled on this gateway: the operator must set ENCRYPTION_KEY (32 bytes, 64 hex characters)", undefined, {
        env: "ENCRYPTION_KEY",
      });
    }
    return cipher;
  }

  async function rowInScope(principal: Principal, id: string) {
    const scope = scopeOf(principal);
    if (!isAccountId(id)) throw notFound("BYOK key not found");
    const [row] = await db.select().from(byokKeys).where(eq(byokKeys.id, id));
    if (row === undefined) throw notFound("BYOK key not found");
    assertInScope(scope, row.accountId, "BYOK key");
    return row;
  }

  async function load(accountId: string): Promise<ReadonlyMap<string, OwnKey>> {
    if (cipher === undefined) return NO_KEYS;
    const rows = await db
      .select()
      .from(byokKeys)
      .where(and(eq(byokKeys.accountId, accountId), eq(byokKeys.disabled, false), sql`${byokKeys.rejectedAt} is null`));
    const keys = new Map<string, OwnKey>();
    for (const row of rows) {
      try {
        const apiKey = cipher.decrypt(row.encryptedKey, cipherContext(row.accountId, row.providerSlug));
        keys.set(row.providerSlug, {
          id: row.id,
          accountId: row.accountId,
          providerSlug: row.providerSlug,
          apiKey,
          allowFallback: row.allowFallback,
          isFallback: row.isFallback,
          sealed: row.encryptedKey,
        });
      } catch {
        // Made under another ENCRYPTION_KEY, or altered: unusable, and said so without any key material.
        options.logger?.warn({ byokKeyId: row.id, accountId: row.accountId, provider: row.providerSlug }, "a stored BYOK key does not decrypt under ENCRYPTION_KEY; it is skipped");
      }
    }
    return keys.size === 0 ? NO_KEYS : keys;
  }

  return {
    enabled: cipher !== undefined,

    async list(principal, accountId) {
      const scope = scopeOf(principal);
      // Another account's id is answered like a missing one.
      if (scope.kind === "account" && accountId !== undefined && accountId !== scope.accountId) throw notFound("Account not found");
      const only = scope.kind === "account" ? scope.accountId : accountId;
      if (only !== undefined && !isAccountId(only)) return [];
      const rows = await db
        .select()
        .from(byokKeys)
        .where(only === undefined ? undefined : eq(byokKeys.accountId, only))
        .orderBy(byokKeys.createdAt, byokKeys.id);
      return rows.map(toByokKeyView);
    },

    async get(principal, id) {
      return toByokKeyView(await rowInScope(principal, id));
    },

    async put(principal, input) {
      const accountId = targetAccount(principal, input.accountId);
      if (!isAccountId(accountId)) throw notFound("Account not found");
      const activeCipher = requireCipher();
      if (!options.acceptsOwnKey(input.provider)) {
        throw invalidRequest(`Provider "${input.provider}" does not take an API key here (see GET /api/v1/providers)`, "provider");
      }
      const key = validKey(input.key);
      const name = validName(input.name) ?? "";
      const values = {
        encryptedKey: activeCipher.encrypt(key, cipherContext(accountId, input.provider)),
        label: maskApiKey(key),
        name,
        allowFallback: input.allowFallback ?? true,
        isFallback: input.isFallback ?? false,
        disabled: input.disabled ?? false,
        rejectedAt: null,
        rejectedStatus: null,
        rejectedMessage: null,
        updatedAt: new Date(clock()),
      };
      try {
        const [existing] = await db
          .select({ id: byokKeys.id })
          .from(byokKeys)
          .where(and(eq(byokKeys.accountId, accountId), eq(byokKeys.providerSlug, input.provider)));
        const [row] = await db
          .insert(byokKeys)
          .values({ accountId, providerSlug: input.provider, ...values })
          .onConflictDoUpdate({ target: [byokKeys.accountId, byokKeys.providerSlug], set: values })
          .returning();
        if (row === undefined) throw new GatewayError("server", "The BYOK key was not stored");
        return { key: toByokKeyView(row), created: existing === undefined };
      } catch (error) {
        // A foreign key violation: the account does not exist.
        if ((error as { code?: unknown }).code === "23503" || (error as { cause?: { code?: unknown } }).cause?.code === "23503") throw notFound("Account not found");
        throw error;
      } finally {
        changed(accountId);
      }
    },

    async update(principal, id, input) {
      const row = await rowInScope(principal, id);
      const set: Partial<typeof byokKeys.$inferInsert> = { updatedAt: new Date(clock()) };
      if (input.key !== undefined) {
        const key = validKey(input.key);
        set.encryptedKey = requireCipher().encrypt(key, cipherContext(row.accountId, row.providerSlug));
        set.label = maskApiKey(key);
      }
      const name = validName(input.name);
      if (name !== undefined) set.name = name;
      if (input.allowFallback !== undefined) set.allowFallback = input.allowFallback;
      if (input.isFallback !== undefined) set.isFallback = input.isFallback;
      if (input.disabled !== undefined) set.disabled = input.disabled;
      // A new key, or re-enabling the old one, is the account's answer to a rejection: try it again.
      if (input.key !== undefined || input.disabled === false) Object.assign(set, { rejectedAt: null, rejectedStatus: null, rejectedMessage: null });
      const [updated] = await db.update(byokKeys).set(set).where(eq(byokKeys.id, id)).returning();
      changed(row.accountId);
      if (updated === undefined) throw notFound("BYOK key not found");
      return toByokKeyView(updated);
    },

    async remove(principal, id) {
      const row = await rowInScope(principal, id);
      await db.delete(byokKeys).where(eq(byokKeys.id, id));
      changed(row.accountId);
    },

    ownKeys(accountId) {
      if (cipher === undefined) return Promise.resolve(NO_KEYS);
      const hit = cache.get(accountId);
      if (hit !== undefined && hit.expiresAt > clock()) return Promise.resolve(hit.keys);
      const pending = loading.get(accountId);
      if (pending !== undefined) return pending;
      const writesAtStart = writes;
      const promise = load(accountId)
        .then((keys) => {
          if (writes === writesAtStart && options.cacheMs > 0) cache.set(accountId, { keys, expiresAt: clock() + options.cacheMs });
          return keys;
        })
        .finally(() => loading.delete(accountId));
      loading.set(accountId, promise);
      return promise;
    },

    async reportRejected(input) {
      await db
        .update(byokKeys)
        .set({ rejectedAt: new Date(clock()), rejectedStatus: input.status, rejectedMessage: input.message.slice(0, 500), updatedAt: new Date(clock()) })
        // A key replaced while the refused request was in flight is the account's newer answer: left alone.
        .where(and(eq(byokKeys.id, input.keyId), eq(byokKeys.accountId, input.accountId), eq(byokKeys.encryptedKey, input.sealed)));
      changed(input.accountId);
    },
  };
}
