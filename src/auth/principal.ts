import type { Amount } from "../billing/money.js";

/**
 * Who is calling, as established from the bearer key. REST routes and GraphQL resolvers receive it from the
 * one authentication step and never look at raw keys themselves.
 */
export interface Principal {
  /** `api` keys call models; `management` keys administer and cannot call models. */
  kind: "api" | "management";
  /** The account the key belongs to (management keys bootstrapped from MANAGEMENT_KEY have none). */
  accountId: string | null;
  /** SHA-256 hex of the key: its public id. */
  keyHash: string;
  /**
   * The key's own facts, as cached by the authenticator (a few seconds old at most), for the hot path and
   * `GET /key`. Absent for the MANAGEMENT_KEY bootstrap key, which is not stored.
   */
  key?: PrincipalKeyFacts;
}

/** What the hot path may need about the calling key without another database round trip. */
export interface PrincipalKeyFacts {
  name: string;
  /** Masked key, e.g. `sk-gw-a1B...xY9`. */
  label: string;
  /** Spend limit in pico-dollars; null = unlimited. Enforced by the ledger, not from this cached copy. */
  spendLimit: Amount | null;
  limitReset: "daily" | "weekly" | "monthly" | null;
  includeByokInLimit: boolean;
  expiresAt: Date | null;
  creatorUserId: string | null;
}

/** Turns an `Authorization` header value into a principal; null when absent. Throws 401 for a bad key. */
export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;
