import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { ParserOptions } from "@electric-sql/pglite";
import type { WorkerQueryOptions, WorkerReply, WorkerRequest, WorkerStartup } from "./pglite-worker-protocol.js";
import { serializeError } from "./pglite-worker-protocol.js";
import { createPreparedStatements } from "./pglite-prepared-statements.js";
import type { PreparedStatements } from "./pglite-prepared-statements.js";
import { currentThreadId, scheduleAsBatch } from "./thread-scheduling.js";
import { PGLITE_START_PARAMS } from "./pglite-settings.js";

/**
 * The worker thread that owns the embedded database. PGlite is Postgres compiled to WebAssembly and runs
 * synchronously in whichever thread calls it: in the gateway's own thread every batch of ledger charges and
 * generation records would stop all requests while it ran (about a third of the busy time under load). Here
 * it runs beside them, and the gateway's thread only posts messages, as it would to a Postgres server.
 *
 * Started by `pglite-worker-client.ts` with `workerData: { dataDir }`; speaks `pglite-worker-protocol.ts`.
 */
const port = parentPort;
if (port === null) throw new Error("pglite-worker.ts runs as a worker thread");
const { dataDir } = workerData as { dataDir: string };

const keepText = (value: string): string => value;

function parsersFor(options: WorkerQueryOptions): ParserOptions | undefined {
  if (options.rawTypes === undefined) return undefined;
  return Object.fromEntries(options.rawTypes.map((type) => [type, keepText]));
}

/** Open transactions by id, with the function that ends each (commit or roll back) and answers request `replyTo`. */
const transactions = new Map<number, { end: (commit: boolean, replyTo: number) => void }>();

/** Thrown inside PGlite's transaction callback to make it roll back; never leaves this file. */
const ROLLBACK = Symbol("rollback");

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

/**
 * Opens transaction `id` and holds it (PGlite keeps other statements waiting meanwhile) until an `end` request
 * commits or rolls it back; that request gets the outcome. A failure before then answers the `begin` request.
 */
function begin(id: number): void {
  let replyTo = id;
  database
    .transaction(async () => {
      const commit = await new Promise<boolean>((resolve) => {
        transactions.set(id, {
          end: (commitIt, endRequest) => {
            replyTo = endRequest;
            resolve(commitIt);
          },
        });
        reply({ id, ok: true });
      });
      transactions.delete(id);
      if (!commit) throw ROLLBACK;
    })
    .then(
      () => reply({ id: replyTo, ok: true }),
      (error: unknown) => reply(error === ROLLBACK ? { id: replyTo, ok: true } : { id: replyTo, ok: false, error: serializeError(error) }),
    );
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.op) {
    case "query": {
      if (request.tx !== undefined && !transactions.has(request.tx)) throw new Error(`Transaction ${request.tx} is not open`);
      const parsers = parsersFor(request.options);
      const options = {
        ...(request.options.rowMode === undefined ? {} : { rowMode: request.options.rowMode }),
        ...(parsers === undefined ? {} : { parsers }),
      };
      const value = await prepared.query(request.sql, request.params, options, request.tx !== undefined);
      reply({ id: request.id, ok: true, value });
      return;
    }
    case "begin":
      begin(request.id);
      return;
    case "end": {
      const open = transactions.get(request.tx);
      if (open === undefined) throw new Error(`Transaction ${request.tx} is not open`);
      open.end(request.commit, request.id);
      return;
    }
    case "close":
      await database.close();
      reply({ id: request.id, ok: true });
      port?.close();
      return;
  }
}

const threadId = currentThreadId();
// Never preempt the request thread on waking up; see thread-scheduling.ts.
const batchScheduled = threadId !== undefined && scheduleAsBatch(threadId);

let database: PGlite;
let prepared: PreparedStatements;
try {
  database = await PGlite.create(dataDir, { startParams: [...PGLITE_START_PARAMS] });
  prepared = createPreparedStatements(database);
  port.postMessage({ ready: true, threadId, batchScheduled } satisfies WorkerStartup);
} catch (error) {
  port.postMessage({ ready: false, error: serializeError(error) } satisfies WorkerStartup);
  throw error;
}

port.on("message", (request: WorkerRequest) => {
  handle(request).catch((error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }));
});
