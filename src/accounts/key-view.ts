import type { KeySpendFigures } from "../billing/key-spend-figures.js";
import type { Amount } from "../billing/money.js";
import type { KeyKind, LimitReset } from "../db/schema/index.js";

/**
 * A key as REST (`/key`, `/keys`) and GraphQL present it: stored facts plus its spend in the current
 * periods. Amounts stay exact here; each face converts them at its edge.
 */
export interface KeyView {
  hash: string;
  accountId: string | null;
  kind: KeyKind;
  name: string;
  label: string;
  disabled: boolean;
  expiresAt: Date | null;
  spendLimit: Amount | null;
  limitReset: LimitReset | null;
  includeByokInLimit: boolean;
  creatorUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
  spend: KeySpendFigures;
  /** Limit minus usage in the current period; null when unlimited. */
  limitRemaining: Amount | null;
  /** When the limit next starts over; null for lifetime limits. */
  limitResetsAt: Date | null;
}

/** What creating a key takes. Amounts are pico-dollars. */
export interface CreateKeyInput {
  /** Required for operator keys; others create keys in their own account. */
  accountId?: string | null;
  name: string;
  kind?: KeyKind;
  spendLimit?: Amount | null;
  limitReset?: LimitReset | null;
  includeByokInLimit?: boolean;
  expiresAt?: Date | null;
  creatorUserId?: string | null;
}

/** A partial update; absent fields stay as they are, `null` clears. */
export interface UpdateKeyInput {
  name?: string;
  disabled?: boolean;
  spendLimit?: Amount | null;
  limitReset?: LimitReset | null;
  includeByokInLimit?: boolean;
  expiresAt?: Date | null;
}
