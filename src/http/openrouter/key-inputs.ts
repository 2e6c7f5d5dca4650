import { z } from "zod";
import type { CreateKeyInput, UpdateKeyInput } from "../../accounts/key-view.js";
import { parseUsd } from "../../billing/money.js";
import { usdInput } from "../../billing/usd-input.js";
import { invalidRequest } from "../../core/errors.js";

/**
 * Request bodies of `POST /keys` and `PATCH /keys/{hash}`, as OpenRouter documents them, validated with zod
 * and turned into service inputs. A bad field is a 400 naming it. Limits arrive as JSON numbers of USD and
 * are converted to exact amounts here through the digits the client wrote (`usdInput`).
 */

const limitSchema = usdInput({ maximum: parseUsd("1000000") }).nullable();
const limitResetSchema = z.enum(["daily", "weekly", "monthly"]).nullable();
const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();

const createKeyBody = z.object({
  name: z.string().min(1).max(200),
  limit: limitSchema.optional(),
  limit_reset: limitResetSchema.optional(),
  include_byok_in_limit: z.boolean().optional(),
  expires_at: expiresAtSchema.optional(),
  creator_user_id: z.string().min(1).nullable().optional(),
  /** The account to create the key in (OpenRouter's workspace); required for operator keys. */
  workspace_id: z.string().min(1).optional(),
});

const updateKeyBody = z.object({
  name: z.string().min(1).max(200).optional(),
  disabled: z.boolean().optional(),
  limit: limitSchema.optional(),
  limit_reset: limitResetSchema.optional(),
  include_byok_in_limit: z.boolean().optional(),
  expires_at: expiresAtSchema.optional(),
});

/** Parses `value` or throws a 400 naming the first offending field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") || undefined;
  throw invalidRequest(`Invalid request body${field === undefined ? "" : ` at ${field}`}: ${issue?.message ?? "invalid"}`, field);
}

function dateOrNull(value: string | null | undefined): Date | null | undefined {
  return value === undefined ? undefined : value === null ? null : new Date(value);
}

export function parseCreateKeyBody(body: unknown): CreateKeyInput {
  const parsed = parseBody(createKeyBody, body);
  return {
    accountId: parsed.workspace_id,
    name: parsed.name,
    spendLimit: parsed.limit,
    limitReset: parsed.limit_reset,
    includeByokInLimit: parsed.include_byok_in_limit,
    expiresAt: dateOrNull(parsed.expires_at),
    creatorUserId: parsed.creator_user_id,
  };
}

export function parseUpdateKeyBody(body: unknown): UpdateKeyInput {
  const parsed = parseBody(updateKeyBody, body);
  return {
    name: parsed.name,
    disabled: parsed.disabled,
    spendLimit: parsed.limit,
    limitReset: parsed.limit_reset,
    includeByokInLimit: parsed.include_byok_in_limit,
    expiresAt: dateOrNull(parsed.expires_at),
  };
}
