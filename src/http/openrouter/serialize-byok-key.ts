import type { ByokKeyView } from "../../byok/byok-key-view.js";

/**
 * The REST shape of an own provider key: never the key, only its masked label and its state. OpenRouter's
 * `BYOKKey` fields (`workspace_id` is the account; no per-key model, key or user filters, one key per
 * provider, so `sort_order` is 0), plus the gateway's `account_id`, `allow_fallback`, `status` and `error`.
 * https://openrouter.ai/docs/api-reference/byok
 */
export interface ByokKeyBody {
  id: string;
  workspace_id: string;
  account_id: string;
  provider: string;
  name: string;
  label: string;
  allow_fallback: boolean;
  is_fallback: boolean;
  sort_order: number;
  allowed_models: null;
  allowed_api_key_hashes: null;
  allowed_user_ids: null;
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
    workspace_id: view.accountId,
    account_id: view.accountId,
    provider: view.provider,
    name: view.name,
    label: view.label,
    allow_fallback: view.allowFallback,
    is_fallback: view.isFallback,
    sort_order: 0,
    allowed_models: null,
    allowed_api_key_hashes: null,
    allowed_user_ids: null,
    disabled: view.disabled,
    status: view.status,
    error: view.rejection === null ? null : { at: view.rejection.at.toISOString(), status: view.rejection.status, message: view.rejection.message },
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
