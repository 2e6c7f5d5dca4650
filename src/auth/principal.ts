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
}

/** Turns an `Authorization` header value into a principal; null when absent. Throws 401 for a bad key. */
export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;
