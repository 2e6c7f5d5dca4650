import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, toAmount } from "../../src/billing/sql-rows.js";
import { isUniqueViolation } from "../../src/db/sql-errors.js";
import { projectPath } from "../../src/config/project-root.js";
import { PgliteWorkerClient } from "../../src/db/pglite-worker-client.js";
import { createTestDatabase, pgliteTemplateDir } from "../support/test-database.js";
import type { TestDatabase } from "../support/test-database.js";

/**
 * The embedded database runs PGlite in a worker thread (`src/db/pglite-worker.ts`). These tests hold the
 * worker client to what PGlite in the same thread gave: errors with their SQLSTATE, transactions that commit
 * or roll back as one and keep other statements out while open, and values that keep their types.
 */
describe.skipIf(process.env.DATABASE_URL)("PGlite in its worker thread", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.handle.db.execute(sql`create table worker_probe (id int primary key, amount bigint not null, at timestamptz not null, doc jsonb)`);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it("returns bigints, timestamps and jsonb as the same values that went in", async () => {
    const { db } = database.handle;
    const huge = 9_007_199_254_740_993_123n;
    await db.execute(sql`insert into worker_probe values (1, ${huge}, ${"2026-11-30T12:34:56.789Z"}, ${JSON.stringify({ nested: { list: [1, "two", null] } })}::jsonb)`);
    const [row] = await queryRows<{ amount: unknown; at: unknown; doc: unknown }>(db, sql`select amount, at, doc from worker_probe where id = 1`);
    expect(row?.amount).toBe(huge);
    expect(new Date(String(row?.at)).toISOString()).toBe("2026-11-30T12:34:56.789Z");
    expect(row?.doc).toEqual({ nested: { list: [1, "two", null] } });
  });

  it("rethrows a database error with its SQLSTATE, so a unique violation is recognised", async () => {
    const { db } = database.handle;
    await db.execute(sql`insert into worker_probe values (2, 1, now(), null)`);
    const error = await db.execute(sql`insert into worker_probe values (2, 1, now(), null)`).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it("rolls a failed transaction back as a whole and keeps outside statements waiting until it ends", async () => {
    const { db } = database.handle;
    let outsideSaw: number | undefined;
    let outside: Promise<void> | undefined;
    const failed = db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into worker_probe values (10, 1, now(), null)`);
        // Sent while the transaction is open: it must neither see row 10 nor run inside the transaction.
        outside = queryRows<{ count: unknown }>(db, sql`select count(*)::int as count from worker_probe where id = 10`).then(([row]) => {
          outsideSaw = Number(row?.count);
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(outsideSaw).toBeUndefined();
        await tx.execute(sql`insert into worker_probe values (10, 1, now(), null)`);
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(isUniqueViolation(await failed)).toBe(true);
    await outside;
    expect(outsideSaw).toBe(0);
    const [after] = await queryRows<{ count: unknown }>(db, sql`select count(*)::int as count from worker_probe where id = 10`);
    expect(Number(after?.count)).toBe(0);
  });

  it("commits a transaction's statements together and returns the callback's value", async () => {
    const { db } = database.handle;
    const value = await db.transaction(async (tx) => {
      await tx.execute(sql`insert into worker_probe values (20, 5, now(), null)`);
      await tx.execute(sql`update worker_probe set amount = amount + 1 where id = 20`);
      return "committed";
    });
    expect(value).toBe("committed");
    const [row] = await queryRows<{ amount: unknown }>(db, sql`select amount from worker_probe where id = 20`);
    expect(toAmount(row?.amount)).toBe(6n);
  });

  it("runs 200 concurrent statements in order without losing any", async () => {
    const { db } = database.handle;
    await db.execute(sql`insert into worker_probe values (30, 0, now(), null)`);
    await Promise.all(Array.from({ length: 200 }, () => db.execute(sql`update worker_probe set amount = amount + 1 where id = 30`)));
    const [row] = await queryRows<{ amount: unknown }>(db, sql`select amount from worker_probe where id = 30`);
    expect(toAmount(row?.amount)).toBe(200n);
  });

  it("keeps a process alive while a statement is pending, and not once the database is idle", async () => {
    // A script that opens the database, awaits one query and ends without closing it: it must print the
    // answer (the pending query held the process) and then exit by itself (the idle worker does not). Either
    // failure makes execFile reject: an early exit with code 13 (unsettled await), or a hang until the timeout.
    const dataDir = mkdtempSync(join(tmpdir(), "gw-worker-exit-"));
    cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
    const script = `
      const { openDatabase } = await import(${JSON.stringify(projectPath("src", "db", "client.ts"))});
      const database = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
      const answer = await database.db.execute("select count(*)::int as models from models");
      console.log(JSON.stringify(answer.rows[0]));`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 30_000 });
      expect(JSON.parse(stdout.trim())).toEqual({ models: expect.any(Number) as number });
      expect(JSON.parse(stdout.trim()).models).toBeGreaterThan(40);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // Skipped only where no thread can be made a batch thread at all (not Linux, no chrt, or a sandbox that
  // forbids sched_setscheduler): there the worker stays as it is, by design.
  it.skipIf(process.platform !== "linux" || spawnSync("chrt", ["--batch", "0", "true"]).status !== 0)(
    "runs the worker thread under SCHED_BATCH, so it never preempts the request thread, and leaves that thread as it was",
    async () => {
      /** The scheduling policy of a thread of this process (field 41 of its stat; 0 normal, 3 batch). */
      const policyOf = (statPath: string) => {
        const stat = readFileSync(statPath, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[38]);
      };
      const dataDir = mkdtempSync(join(tmpdir(), "gw-worker-sched-"));
      cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
      const client = await PgliteWorkerClient.open(dataDir);
      try {
        expect(client.batchScheduled).toBe(true);
        expect(client.threadId).toBeGreaterThan(0);
        expect(policyOf(`/proc/self/task/${String(client.threadId)}/stat`)).toBe(3);
        expect(policyOf("/proc/thread-self/stat")).toBe(0);
        const result = await client.query<{ one: number }>("select 1 as one");
        expect(result.rows).toEqual([{ one: 1 }]);
      } finally {
        await client.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
