/** What an operator's limit applies to: every key of an account together, or one key. */
export type RateLimitScope = "account" | "key";

/** Operator-set limits of one account or key; null means "no limit of this kind". */
export interface RateLimitValues {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

/** The stored settings of one subject (an account id, or a key's hash). */
export interface RateLimitSettings extends RateLimitValues {
  scope: RateLimitScope;
  subjectId: string;
  /** When an operator last changed them; null when never set. */
  updatedAt: Date | null;
}

/** The limits in force for one request: its key's and its account's. */
export interface RequestLimitSettings {
  key: RateLimitValues;
  account: RateLimitValues;
}

/** What the limiter needs from settings on the hot path (cached by the real service). */
export interface LimitSettingsSource {
  forRequest(accountId: string, keyHash: string): Promise<RequestLimitSettings>;
}

export const NO_LIMITS: RateLimitValues = Object.freeze({ requestsPerMinute: null, tokensPerMinute: null });

/** A source without operator limits: for tests and for callers that only need the free-tier quotas. */
export const noOperatorLimits: LimitSettingsSource = {
  forRequest: () => Promise.resolve({ key: NO_LIMITS, account: NO_LIMITS }),
};
