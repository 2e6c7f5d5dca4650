import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { QueryOptions, Results } from "@electric-sql/pglite";
import type { WorkerQueryOptions, WorkerReply, WorkerRequest, WorkerStartup } from "./pglite-worker-protocol.js";
import { deserializeError } from "./pglite-worker-protocol.js";

/** Distributes `Omit` over a union, so each request keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** What statements inside a transaction run on: the same calls as the client, bound to the transaction. */
export interface PgliteWorkerTransaction {
  query<Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
}

/** Whether opening `dataDir` would create the database (a folder without PG_VERSION); `memory://` never keeps one. */
function needsInitdb(dataDir: string): boolean {
  return !dataDir.includes("://") && !existsSync(join(dataDir, "PG_VERSION"));
}

/**
 * The embedded database as seen from the gateway's thread: PGlite's `query` and `transaction`
 * (the calls Drizzle's PGlite driver makes), each posted to the worker thread that owns PGlite
 * (`pglite-worker.ts`). Statements run in order, one at a time, as on PGlite itself; a transaction holds the
 * database until it ends, so statements sent meanwhile from outside it wait, as they would on PGlite.
 *
 * The worker is referenced only while a statement is pending, so an idle open database does not keep the
 * process alive, and a process awaiting a statement does not exit early.
 */
export class PgliteWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private stopped: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    /** The worker's kernel thread id (Linux), for diagnostics. */
    readonly threadId: number | undefined,
    /** Whether the worker runs under SCHED_BATCH, so it never preempts the request thread on waking up. */
    readonly batchScheduled: boolean,
  ) {
    worker.on("message", (message: WorkerReply) => this.settle(message));
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => this.fail(new Error(`The PGlite worker thread exited (code ${code})`)));
  }

  /** Starts the worker on `dataDir` (a folder, or `memory://`) and resolves once PGlite has opened it. */
  static async open(dataDir: string): Promise<PgliteWorkerClient> {
    // Creating a data folder runs initdb, which grows the thread's WebAssembly memory to about 800 MB that it
    // never gives back; a first thread that only creates the folder and exits takes that memory with it.
    if (needsInitdb(dataDir)) await (await PgliteWorkerClient.start(dataDir)).close();
    return PgliteWorkerClient.start(dataDir);
  }

  private static async start(dataDir: string): Promise<PgliteWorkerClient> {
    const worker = startWorker(dataDir);
    const started = await new Promise<WorkerStartup & { ready: true }>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`The PGlite worker thread exited (code ${code}) before opening ${dataDir}`));
      worker.once("error", reject);
      worker.once("exit", onExit);
      worker.once("message", (startup: WorkerStartup) => {
        worker.off("error", reject);
        worker.off("exit", onExit);
        if (startup.ready) resolve(startup);
        else reject(deserializeError(startup.error));
      });
    });
    worker.unref();
    return new PgliteWorkerClient(worker, started.threadId, started.batchScheduled);
  }

  query<Row>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<Row>> {
    return this.send({ op: "query", sql, params, options: workerOptions(options) }) as Promise<Results<Row>>;
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T> {
    const { id: tx, reply: begun } = this.post({ op: "begin" });
    await begun;
    const bound: PgliteWorkerTransaction = {
      query: <Row>(sql: string, params: unknown[] = [], options?: QueryOptions) =>
        this.send({ op: "query", sql, params, options: workerOptions(options), tx }) as Promise<Results<Row>>,
    };
    let result: T;
    try {
      result = await work(bound);
    } catch (error) {
      await this.send({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.send({ op: "end", tx, commit: true });
    return result;
  }

  /** Closes PGlite (writing everything to the data folder) and stops the thread. */
  async close(): Promise<void> {
    if (this.stopped !== undefined) return;
    await this.send({ op: "close" });
    await this.worker.terminate();
  }

  private send(request: WithoutId<WorkerRequest>): Promise<unknown> {
    return this.post(request).reply;
  }

  /** Posts a request under a new id (a transaction is known by its `begin` request's id) and returns its reply. */
  private post(request: WithoutId<WorkerRequest>): { id: number; reply: Promise<unknown> } {
    const id = this.nextId;
    this.nextId += 1;
    if (this.stopped !== undefined) return { id, reply: Promise.reject(this.stopped) };
    const reply = new Promise<unknown>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
    return { id, reply };
  }

  private settle(message: WorkerReply): void {
    const waiting = this.pending.get(message.id);
    if (waiting === undefined) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(deserializeError(message.error));
  }

  private fail(error: Error): void {
    this.stopped ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

function workerOptions(options: QueryOptions | undefined): WorkerQueryOptions {
  const rawTypes = options?.parsers === undefined ? undefined : Object.keys(options.parsers).map(Number);
  return { ...(options?.rowMode === undefined ? {} : { rowMode: options.rowMode }), ...(rawTypes === undefined ? {} : { rawTypes }) };
}

/**
 * The built gateway runs `pglite-worker.js` beside this file. The test suite runs the TypeScript sources,
 * where the worker is `pglite-worker.ts`: it is started through tsx (a dev dependency), which a worker thread
 * must register itself.
 */
function startWorker(dataDir: string): Worker {
  const compiled = new URL("./pglite-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: { dataDir } });
  const source = new URL("./pglite-worker.ts", import.meta.url).href;
  const tsx = pathToFileURL(tsxEsmApi()).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { dataDir } });
}

/** The path of tsx's ESM register API, read from its package exports (`require.resolve` would give the CommonJS build). */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const entry = manifest.exports["./esm/api"]?.import.default;
  if (entry === undefined) throw new Error("tsx does not export ./esm/api; the test suite needs tsx 4");
  return join(dirname(manifestPath), entry);
}
