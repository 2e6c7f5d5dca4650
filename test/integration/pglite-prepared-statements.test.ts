import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPreparedStatements } from "../../src/db/pglite-prepared-statements.js";
import type { PreparedStatements } from "../../src/db/pglite-prepared-statements.js";
import { pgliteTemplateDir } from "../support/test-database.js";

/**
 * The worker's named prepared statements (`src/db/pglite-prepared-statements.ts`) must behave as PGlite's own
 * `query`: same results for every run of a statement, errors with their SQLSTATE that leave the connection
 * usable, room made for new statements, and statements that join an open transaction.
 */
describe.skipIf(process.env.DATABASE_URL)("PGlite prepared statements", () => {
  let dataDir: string;
  let database: PGlite;
  let prepared: PreparedStatements;
  const run = <Row>(sql: string, params: unknown[] = [], inTransaction = false) => prepared.query<Row>(sql, params, {}, inTransaction);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "gw-prepared-"));
    cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
    database = await PGlite.create(dataDir);
    // Room for three statements only, so the tests below also make it close and re-prepare some.
    prepared = createPreparedStatements(database, 3);
    await database.exec("create table probe (id int primary key, amount bigint not null, note text)");
  });
  afterAll(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives each run of one statement its own parameters and rows, as PGlite's query does", async () => {
    for (let id = 1; id <= 5; id += 1) await run("insert into probe values ($1, $2, $3)", [id, BigInt(id) * 10n ** 16n, `note ${id}`]);
    const mine = await run<{ id: number; amount: unknown; note: string }>("select id, amount, note from probe where id = $1", [4]);
    const pglites = await database.query<{ id: number; amount: unknown; note: string }>("select id, amount, note from probe where id = $1", [4]);
    expect(mine.rows).toEqual(pglites.rows);
    expect(mine.rows[0]).toEqual({ id: 4, amount: 4n * 10n ** 16n, note: "note 4" });
    expect(mine.fields.map((field) => field.name)).toEqual(["id", "amount", "note"]);
  });

  it("keeps working after more distinct statements than it has room for", async () => {
    const texts = ["select count(*)::int as n from probe", "select max(id) as n from probe", "select min(id) as n from probe", "select sum(id)::int as n from probe"];
    for (let round = 0; round < 2; round += 1) {
      const values = [];
      for (const text of texts) values.push((await run<{ n: number }>(text)).rows[0]?.n);
      expect(values).toEqual([5, 5, 1, 15]);
    }
  });

  it("rethrows errors with their SQLSTATE and leaves the connection usable", async () => {
    await expect(run("insert into probe values ($1, $2, $3)", [1, 1n, "again"])).rejects.toMatchObject({ code: "23505" });
    await expect(run("select * from probe where id = $1", ["not a number"])).rejects.toMatchObject({ code: "22P02" });
    await expect(run("select * from no_such_table")).rejects.toMatchObject({ code: "42P01" });
    expect((await run<{ n: number }>("select count(*)::int as n from probe")).rows[0]?.n).toBe(5);
  });

  it("joins an open transaction, so a rollback undoes its statements", async () => {
    await database
      .transaction(async (tx) => {
        await run("insert into probe values ($1, $2, $3)", [99, 1n, "inside"], true);
        expect((await run<{ n: number }>("select count(*)::int as n from probe where id = $1", [99], true)).rows[0]?.n).toBe(1);
        await tx.rollback();
      })
      .catch(() => undefined);
    expect((await run<{ n: number }>("select count(*)::int as n from probe where id = $1", [99])).rows[0]?.n).toBe(0);
  });
});
