/**
 * The messages between the gateway's thread and the worker thread that runs PGlite (see
 * `pglite-worker.ts` and `pglite-worker-client.ts`). Everything here crosses a `postMessage`, so it is
 * structured-cloneable: parameters and rows (strings, numbers, bigints, dates, byte arrays, JSON values) clone
 * as they are; functions do not, which is why type parsers travel as a list of type ids (see `rawTypes`).
 */

/** Drizzle's query options, reduced to what can cross a thread. */
export interface WorkerQueryOptions {
  rowMode?: "array" | "object";
  /**
   * Postgres type ids whose values must come back as the text Postgres sent, unparsed. Drizzle asks this for
   * dates, timestamps, intervals and their arrays (its PGlite session passes identity parsers for them) and
   * parses them itself; the worker applies identity parsers for exactly these ids.
   */
  rawTypes?: number[];
}

/** A request from the gateway's thread. `id` pairs it with its reply; `tx`, when set, runs it inside that open transaction. */
export type WorkerRequest =
  | { id: number; op: "query"; sql: string; params: unknown[]; options: WorkerQueryOptions; tx?: number }
  /** Opens a transaction; its id is the request's id. Other statements wait until it ends, as on PGlite itself. */
  | { id: number; op: "begin" }
  | { id: number; op: "end"; tx: number; commit: boolean }
  | { id: number; op: "close" };

/** The worker's reply. `value` is the statement's result (PGlite's `Results`). */
export type WorkerReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: SerializedError };

/**
 * Sent once, after PGlite opened (or failed to open) the data folder. `threadId` is the worker's kernel thread
 * id (Linux); `batchScheduled` says whether it now runs under SCHED_BATCH (see `thread-scheduling.ts`).
 */
export type WorkerStartup = { ready: true; threadId: number | undefined; batchScheduled: boolean } | { ready: false; error: SerializedError };

/** An error's name, message and every primitive own property (PGlite's `code`, `detail`, `constraint`, ...). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean | null>;
}

/** An error thrown in the worker, made cloneable (a cloned Error would lose PGlite's fields such as `code`). */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields: SerializedError["fields"] = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), fields };
}

/**
 * Rebuilds a thrown error on the gateway's thread with the same name, message and fields, so code that reads
 * `error.code` (a unique violation is `23505`) sees what it would have seen with PGlite in the same thread.
 */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  Object.assign(error, serialized.fields);
  if (serialized.stack !== undefined) error.stack = `${serialized.stack}\n    at (PGlite worker thread)`;
  return error;
}
