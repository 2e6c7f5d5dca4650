import { and, eq, isNull } from "drizzle-orm";
import type { Authenticate, Principal } from "../auth/principal.js";
import type { Clock } from "../billing/clock.js";
import { GatewayError } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { accounts, apiKeys } from "../db/schema/index.js";
import type { ApiKeyRow } from "../db/schema/index.js";
import { hashApiKey, hashesEqual } from "./key-material.js";
import { BoundedMap } from "../cache/bounded-map.js";

/**
 * Turns `Authorization: Bearer <key>` into a principal. Keys are looked up by hash and cached in-process for
 * `cacheTtlMs` (at most 3 s), so the hot path usually costs no database round trip, while a key disabled or
 * deleted through any instance stops working everywhere within that time (the instance that made the change
 * drops its cache entry at once). The same holds for a disabled account: its keys are refused with 403.
 * Expiry is checked on every call against the clock, not cached.
 * The MANAGEMENT_KEY environment variable bootstraps an operator key that is never stored; it is compared
 * by hash in constant time.
 */
export interface Authenticator {
  authenticate: Authenticate;
  /** Forgets a cached key (after this instance changed or deleted it). */
  invalidate(keyHash: string): void;
  /** Forgets every cached key of an account (after this instance disabled or enabled it). */
  invalidateAccount(accountId: string): void;
}

export interface AuthenticatorOptions {
  db: Database;
  clock: Clock;
  /** The bootstrap operator key, from MANAGEMENT_KEY. */
  managementKey?: string;
  /** How long a looked-up key (or a miss) is trusted; capped at 3000 ms. */
  cacheTtlMs: number;
  /** Bound on cached entries; the oldest go first. */
  maxCacheEntries?: number;
}

const MAX_TTL_MS = 3000;

/** A cached lookup: the stored key with the principal built from it once, or null for a miss. */
interface CacheEntry {
  found: { key: CachedKey; principal: Principal } | null;
  until: number;
}

/** Stored key facts the authenticator caches (a miss is cached as null). */
type CachedKey = Pick<
  ApiKeyRow,
  "hash" | "accountId" | "kind" | "name" | "label" | "disabled" | "expiresAt" | "spendLimit" | "limitReset" | "includeByokInLimit" | "creatorUserId"
> & {
  /** The owning account is disabled (false for a management key, which has none). */
  accountDisabled: boolean;
};

function unauthorized(message: string, reason: string): GatewayError {
  return new GatewayError("authentication", message, { metadata: { reason } });
}

/** Reads the key from the header value; undefined when there is none. */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const trimmed = authorization.trim();
  if (trimmed === "") return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(trimmed);
  if (match?.[1] === undefined) {
    throw unauthorized("Malformed Authorization header: expected 'Bearer <key>'", "malformed_header");
  }
  return match[1];
}

/** The principal for a stored key. Frozen: one cached principal serves every request made with the key. */
function toPrincipal(key: CachedKey): Principal {
  return Object.freeze({
    kind: key.kind,
    accountId: key.accountId,
    keyHash: key.hash,
    key: Object.freeze({
      name: key.name,
      label: key.label,
      spendLimit: key.spendLimit,
      limitReset: key.limitReset,
      includeByokInLimit: key.includeByokInLimit,
      expiresAt: key.expiresAt,
      creatorUserId: key.creatorUserId,
    }),
  });
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const ttl = Math.min(Math.max(options.cacheTtlMs, 0), MAX_TTL_MS);
  const maxEntries = options.maxCacheEntries ?? 50_000;
  const managementHash = options.managementKey === undefined ? undefined : hashApiKey(options.managementKey);
  const cache = new BoundedMap<string, CacheEntry>(maxEntries);
  const inFlight = new Map<string, Promise<CacheEntry>>();
  // SHA-256 of a bearer token seen recently: hashing is a tenth of the hot path's own work, and a client sends
  // the same key on every request. Bounded like the key cache; holds only tokens that arrived in headers.
  const hashes = new BoundedMap<string, string>(maxEntries);

  function hashOf(token: string): string {
    let hash = hashes.get(token);
    if (hash === undefined) {
      hash = hashApiKey(token);
      hashes.set(token, hash);
    }
    return hash;
  }

  async function load(hash: string): Promise<CachedKey | null> {
    const rows = await options.db
      .select({
        hash: apiKeys.hash,
        accountId: apiKeys.accountId,
        kind: apiKeys.kind,
        name: apiKeys.name,
        label: apiKeys.label,
        disabled: apiKeys.disabled,
        expiresAt: apiKeys.expiresAt,
        spendLimit: apiKeys.spendLimit,
        limitReset: apiKeys.limitReset,
        includeByokInLimit: apiKeys.includeByokInLimit,
        creatorUserId: apiKeys.creatorUserId,
        accountDisabled: accounts.disabled,
      })
      .from(apiKeys)
      .leftJoin(accounts, eq(accounts.id, apiKeys.accountId))
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.deletedAt)))
      .limit(1);
    const row = rows[0];
    return row === undefined ? null : { ...row, accountDisabled: row.accountDisabled === true };
  }

  async function lookup(hash: string): Promise<CacheEntry> {
    const now = options.clock.now();
    const cached = cache.get(hash);
    if (cached !== undefined && cached.until > now) return cached;
    const pending = inFlight.get(hash);
    if (pending !== undefined) return pending;
    // One query per key however many requests arrive together.
    const loading = load(hash)
      .then((key) => {
        const entry: CacheEntry = { found: key === null ? null : { key, principal: toPrincipal(key) }, until: options.clock.now() + ttl };
        if (ttl > 0) cache.set(hash, entry);
        return entry;
      })
      .finally(() => inFlight.delete(hash));
    inFlight.set(hash, loading);
    return loading;
  }

  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return null;
      const hash = hashOf(token);
      if (managementHash !== undefined && hashesEqual(hash, managementHash)) {
        return { kind: "management", accountId: null, keyHash: hash };
      }
      const { found } = await lookup(hash);
      if (found === null) throw unauthorized("Invalid API key: no such key", "unknown_key");
      const { key, principal } = found;
      if (key.disabled) throw unauthorized("API key is disabled", "disabled_key");
      if (key.accountDisabled) {
        throw new GatewayError("permission_denied", "This key's account is disabled; ask the gateway's operator", { metadata: { reason: "account_disabled" } });
      }
      if (key.expiresAt !== null && key.expiresAt.getTime() <= options.clock.now()) {
        throw unauthorized(`API key expired at ${key.expiresAt.toISOString()}`, "expired_key");
      }
      return principal;
    },
    invalidate(keyHash) {
      cache.delete(keyHash);
    },
    invalidateAccount(accountId) {
      for (const [hash, entry] of cache) {
        if (entry.found?.key.accountId === accountId) cache.delete(hash);
      }
    },
  };
}
