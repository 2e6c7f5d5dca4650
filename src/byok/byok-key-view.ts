import type { ByokKeyRow } from "../db/schema/index.js";

/** Whether a stored key is used: `active`, `disabled` by the account, or `rejected` by its provider. */
export type ByokKeyStatus = "active" | "disabled" | "rejected";

/**
 * What the REST and GraphQL faces may show of an own provider key: everything but the key itself, which is
 * never returned once stored (only the masked `label`).
 */
export interface ByokKeyView {
  id: string;
  accountId: string;
  provider: string;
  name: string;
  label: string;
  allowFallback: boolean;
  /** Tried after the gateway's shared keys instead of before (OpenRouter's "Fallback" keys). */
  isFallback: boolean;
  disabled: boolean;
  status: ByokKeyStatus;
  /** Set when the provider refused the key (401/403): when, its status and its message (scrubbed). */
  rejection: { at: Date; status: number; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The view of a stored row; `encrypted_key` is left behind. */
export function toByokKeyView(row: ByokKeyRow): ByokKeyView {
  const rejection =
    row.rejectedAt === null ? null : { at: row.rejectedAt, status: row.rejectedStatus ?? 401, message: row.rejectedMessage ?? "" };
  return {
    id: row.id,
    accountId: row.accountId,
    provider: row.providerSlug,
    name: row.name,
    label: row.label,
    allowFallback: row.allowFallback,
    isFallback: row.isFallback,
    disabled: row.disabled,
    status: row.disabled ? "disabled" : rejection !== null ? "rejected" : "active",
    rejection,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
