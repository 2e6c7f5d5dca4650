import type { Principal } from "../auth/principal.js";
import { isAccountId, scopeOf } from "../accounts/account-scope.js";
import { invalidRequest, notFound } from "../core/errors.js";

/** The dimensions usage can be grouped by. DAY and HOUR are UTC. */
export type UsageDimension = "day" | "hour" | "model" | "provider" | "key";

/**
 * What a usage or generations query is about. `from` is inclusive and `to` exclusive; usage counts whole UTC
 * hours (an hour is in when it starts in [floor_hour(from), to)), generations their exact time.
 */
export interface UsageFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  /** Key hashes. */
  keys?: readonly string[] | undefined;
  models?: readonly string[] | undefined;
  /** Provider slugs. */
  providers?: readonly string[] | undefined;
  accountId?: string | undefined;
}

/** A filter the caller may run: `accountId` is the one account it reads, or undefined for every account (operators). */
export interface ScopedUsageFilter extends Omit<UsageFilter, "accountId"> {
  accountId: string | undefined;
}

/** Values a filter list may hold before it is refused: enough for any dashboard, bounded for the SQL it builds. */
export const MAX_FILTER_VALUES = 200;

function checkList(values: readonly string[] | undefined, field: string): void {
  if (values !== undefined && values.length > MAX_FILTER_VALUES) throw invalidRequest(`${field} takes at most ${MAX_FILTER_VALUES} values`, field);
}

/**
 * Confines a filter to what the caller may see. An API key reads its own account only: naming another account
 * is NOT_FOUND, exactly like a missing one, and another account's key hashes or models simply match nothing
 * (the account condition is always applied). An operator reads the account named, or every account.
 */
export function scopeUsageFilter(principal: Principal, filter: UsageFilter): ScopedUsageFilter {
  checkList(filter.keys, "keys");
  checkList(filter.models, "models");
  checkList(filter.providers, "providers");
  if (filter.from !== undefined && filter.to !== undefined && filter.from.getTime() > filter.to.getTime()) {
    throw invalidRequest("`from` must not be after `to`", "from");
  }
  const scope = scopeOf(principal);
  const requested = filter.accountId === undefined || filter.accountId === "" ? undefined : filter.accountId;
  if (requested !== undefined && !isAccountId(requested)) throw notFound("Account not found");
  if (scope.kind === "account") {
    if (requested !== undefined && requested !== scope.accountId) throw notFound("Account not found");
    return { ...filter, accountId: scope.accountId };
  }
  return { ...filter, accountId: requested };
}
