import type { ByokKeyView } from "../../byok/byok-key-view.js";

/** The REST shape of an own provider key: never the key, only its masked label and its state. */
export interface ByokKeyBody {
  id: string;
  account_id: string;
  provider: string;
  name: string;
  label: string;
  allow_fallback: boolean;
  disabled: boolean;
  status: ByokKeyView["status"];
  /** Set when the provider refused the key: when (ISO time), its HTTP status and the message. */
  error: { at: string; status: number; message: string } | null;
  created_at: string;
  updated_at: string;
}

export function serializeByokKey(view: ByokKeyView): ByokKeyBody {
  return {
    id: view.id,
    account_id: view.accountId,
    provider: view.provider,
    name: view.name,
    label: view.label,
    allow_fallback: view.allowFallback,
    disabled: view.disabled,
    status: view.status,
    error: view.rejection === null ? null : { at: view.rejection.at.toISOString(), status: view.rejection.status, message: view.rejection.message },
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
