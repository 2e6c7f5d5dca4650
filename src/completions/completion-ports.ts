import type { Principal } from "../auth/principal.js";
import type { Amount } from "../billing/money.js";

/**
 * What the completion pipeline needs from billing and limits, stated as small ports so the pipeline does not
 * depend on how the ledger or the limiter are built. `src/app/gateway.ts` connects them to the real services.
 */

/** A hold on funds for one attempt; settled with the actual cost or released. */
export interface HeldFunds {
  readonly id: string;
  readonly maxCost: Amount;
  /**
   * Fires when the funds behind the hold were lost (its reservation expired and was reclaimed while in use,
   * and the balance could not fund it again): the attempt must stop, for what it serves next is unpaid.
   */
  readonly revoked?: AbortSignal;
}

/** What a settlement's ledger entry says about the charge. */
export interface SettleCharge {
  generationId: string;
  model: string;
  provider: string;
  /** The upstream price of a bring-your-own-key generation (paid to the provider): counted on the key, not charged. */
  byokUsage?: Amount;
}

export interface CompletionBilling {
  /**
   * Holds `maxCost` against the key's limit and the account's balance, atomically. Throws a 402 GatewayError
   * whose metadata carries `affordable` (an Amount) when it cannot.
   */
  hold(principal: Principal, maxCost: Amount): Promise<HeldFunds>;
  /** Charges exactly `cost` (one ledger entry) and frees the hold. */
  settle(hold: HeldFunds, cost: Amount, details: SettleCharge): Promise<void>;
  /** Frees the hold without charging. */
  release(hold: HeldFunds): Promise<void>;
  /** Writes every charge accepted so far (billing that batches its writes). */
  flush?(): Promise<void>;
  /** Writes everything and gives back whatever it still holds; called on shutdown. */
  close?(): Promise<void>;
}

/** A slot granted by the rate limiter; tokens are reported back once known. */
export interface AdmissionTicket {
  recordTokens(tokens: number): Promise<void>;
}

export interface CompletionAdmission {
  /** Throws a 429 GatewayError when a rate limit or the free-tier quota refuses the request. */
  admit(principal: Principal, request: { modelId: string; isFree: boolean }): Promise<AdmissionTicket>;
}

/**
 * An account's usable own provider key, decrypted, as the pipeline uses it: `src/byok/` loads it into this one
 * type (never serialised; for the completion pipeline only).
 */
export interface OwnKey {
  id: string;
  accountId: string;
  providerSlug: string;
  apiKey: string;
  /** False: the gateway's shared key of this provider is never used for the account. */
  allowFallback: boolean;
  /** True: tried after the shared keys instead of before. */
  isFallback: boolean;
  /** The stored (encrypted) form, naming this version of the key when its rejection is reported. */
  sealed: string;
}

/**
 * Bring your own key, as the pipeline needs it: the account's usable own keys, what their use costs in
 * credits, and where a provider's refusal of one is reported.
 */
export interface OwnKeyPort {
  /** The account's usable own keys by provider slug (cached: no database round trip on the hot path). */
  keysOf(accountId: string): Promise<ReadonlyMap<string, OwnKey>>;
  /** The most the fee can be for a request whose upstream price is at most `maxUpstreamCost`: its hold. */
  feeBound(maxUpstreamCost: Amount): Amount;
  /** The fee charged to credits for an own-key generation whose upstream (list) price was `upstreamCost`. */
  fee(accountId: string, upstreamCost: Amount, now: number): Promise<Amount>;
  /** The provider refused the key (401/403): it is skipped until the account replaces it. */
  reportRejected(input: { accountId: string; keyId: string; sealed: string; status: number; message: string }): Promise<void>;
}
