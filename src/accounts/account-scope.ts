import type { Principal } from "../auth/principal.js";
import { GatewayError, invalidRequest, notFound } from "../core/errors.js";

/**
 * Which accounts a caller may read or change. API keys see exactly their own account; management keys
 * (which belong to no account) see all. The scope is derived from the key's account, so a management key
 * bound to one account (the schema allows it) would be confined to it. Services call these before touching any
 * account-scoped row, so a foreign id behaves exactly like a missing one (404): a key never learns whether
 * another account's key, payment or ledger exists.
 */
export type AccountScope = { kind: "all" } | { kind: "account"; accountId: string };

export function scopeOf(principal: Principal): AccountScope {
  if (principal.kind === "management" && principal.accountId === null) return { kind: "all" };
  if (principal.accountId === null) throw new GatewayError("permission_denied", "This key belongs to no account");
  return { kind: "account", accountId: principal.accountId };
}

/** Whether `accountId` is inside the scope. */
export function inScope(scope: AccountScope, accountId: string | null): boolean {
  return scope.kind === "all" || (accountId !== null && scope.accountId === accountId);
}

/** 404 (as if it did not exist) when `accountId` is outside the caller's scope. */
export function assertInScope(scope: AccountScope, accountId: string | null, what = "Account"): void {
  if (!inScope(scope, accountId)) throw notFound(`${what} not found`);
}

/**
 * The account an action that creates something applies to: the caller's own account, or for an operator the
 * one named (required). Naming a foreign account is a 404.
 */
export function targetAccount(principal: Principal, requested: string | null | undefined, field = "account_id"): string {
  const scope = scopeOf(principal);
  if (scope.kind === "account") {
    if (requested !== undefined && requested !== null && requested !== scope.accountId) throw notFound("Account not found");
    return scope.accountId;
  }
  if (requested === undefined || requested === null || requested === "") {
    throw invalidRequest(`An operator key must name the account (${field})`, field);
  }
  return requested;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be an account id; other strings are simply not found (never a database error). */
export function isAccountId(value: string): boolean {
  return UUID.test(value);
}
