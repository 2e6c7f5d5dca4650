import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../core/errors.js";

/**
 * Guards for REST routes and services: each names the kind of key an operation needs and throws the
 * OpenRouter status when the caller has another. GraphQL uses `@Authorized` with the same rules.
 */

/** A principal known to be an API key, which always belongs to an account. */
export type ApiPrincipal = Principal & { kind: "api"; accountId: string };

/** A management key; `accountId` null means an operator key that administers every account. */
export type ManagementPrincipal = Principal & { kind: "management" };

/** 401 when no key was sent. */
export function requirePrincipal(principal: Principal | null): Principal {
  if (principal === null) throw new GatewayError("authentication", "Missing Authentication header", { metadata: { reason: "missing_key" } });
  return principal;
}

/**
 * For model calls (chat completions and the like): 401 without a key, 403 for a management key, which
 * administers but cannot call models.
 */
export function requireApiPrincipal(principal: Principal | null): ApiPrincipal {
  const caller = requirePrincipal(principal);
  if (caller.kind !== "api" || caller.accountId === null) {
    throw new GatewayError("permission_denied", "Management keys cannot call models: use an API key", { metadata: { reason: "management_key" } });
  }
  return caller as ApiPrincipal;
}

/** For administration endpoints (`/keys`): 401 without a key, 403 for an API key. */
export function requireManagementPrincipal(principal: Principal | null): ManagementPrincipal {
  const caller = requirePrincipal(principal);
  if (caller.kind !== "management") {
    throw new GatewayError("permission_denied", "Only management keys can perform this operation", { metadata: { reason: "api_key" } });
  }
  return caller as ManagementPrincipal;
}

/**
 * Whether the caller is an operator: a management key bound to no account (MANAGEMENT_KEY, or one created by
 * a management key; every management key is one today).
 */
export function isOperator(principal: Principal): boolean {
  return principal.kind === "management" && principal.accountId === null;
}

/** For operator-only actions (create accounts, grant or refund credits): 403 otherwise. */
export function requireOperator(principal: Principal | null): ManagementPrincipal {
  const caller = requirePrincipal(principal);
  if (!isOperator(caller)) {
    throw new GatewayError("permission_denied", "Only management keys can perform this operation", {
      metadata: { reason: "not_operator" },
    });
  }
  return caller as ManagementPrincipal;
}
