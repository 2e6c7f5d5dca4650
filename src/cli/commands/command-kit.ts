import { parseArgs } from "node:util";
import type { Amount } from "../../billing/money.js";
import { formatUsd, parseUsd } from "../../billing/money.js";
import type { Principal } from "../../auth/principal.js";
import type { AdminOperations } from "../admin-operations.js";

/**
 * What every admin command gets: the operations, straight on the database or through a running gateway
 * (the command does not know which), and an output.
 */
export interface CommandContext {
  admin: AdminOperations;
  /** Prints one result (JSON, money as exact decimal strings). */
  print(value: unknown): void;
}

export type Command = (args: string[], context: CommandContext) => Promise<void>;

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

/** The operator the CLI acts as in direct mode: whoever can reach the database administers everything. */
export const CLI_OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "cli" };

/** Parses `--name value` options; unknown options are a usage error. */
export function options<T extends Record<string, { type: "string" | "boolean" }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || value === "") throw new UsageError(`--${flag} is required`);
  return value;
}

export function usdOption(value: string | boolean | undefined, flag: string): Amount {
  const text = required(value, flag);
  try {
    return parseUsd(text);
  } catch {
    throw new UsageError(`--${flag} must be a USD amount such as 10 or 0.5 (at most 12 decimals)`);
  }
}

/** JSON.stringify replacer: amounts (bigint pico-dollars) as USD decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? formatUsd(value) : value;
}
