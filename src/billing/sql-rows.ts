import type { SQL } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.js";
import type { Amount } from "./money.js";

/**
 * Raw-SQL helpers for the money statements, which use data-modifying CTEs Drizzle's builder cannot express.
 * PGlite's `execute` returns `{ rows }` and postgres.js an array; PGlite also returns small int8 values as
 * JS numbers and large ones as bigints. These helpers hide both differences.
 */

type Executor = Pick<Database, "execute"> | Pick<Transaction, "execute">;

/** Runs a statement and returns its rows, whichever driver is underneath. */
export async function queryRows<Row extends Record<string, unknown>>(executor: Executor, statement: SQL): Promise<Row[]> {
  const result: unknown = await executor.execute(statement);
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: unknown[] }).rows ?? []) as Row[];
}

/** An int8 / numeric column value as an exact amount; null and undefined read as zero. */
export function toAmount(value: unknown): Amount {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Unsafe integer from the database: ${value}`);
    return BigInt(value);
  }
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`Not an integer amount: ${String(value)}`);
}

/** Like {@link toAmount} but keeps null. */
export function toAmountOrNull(value: unknown): Amount | null {
  return value === null || value === undefined ? null : toAmount(value);
}
