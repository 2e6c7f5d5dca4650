import { parse, protocol } from "@electric-sql/pglite";
import type { PGlite, QueryOptions, Results } from "@electric-sql/pglite";

/**
 * Named prepared statements for PGlite, as postgres.js keeps them for a real server. PGlite's own `query`
 * parses, analyses and plans every statement anew through the unnamed statement; in WebAssembly that is most
 * of a statement's cost (about 2 of the 2 to 4 ms of the ledger's lease-charge statement). Here each distinct
 * SQL text is parsed once under a name, its parameter types remembered, and later runs only bind and execute
 * it, which also lets Postgres keep a cached plan.
 *
 * Runs the same protocol steps as PGlite's `query` (bind, describe, execute, then sync even after an error)
 * under the same locks, so it is interchangeable with it: results, errors and type handling are PGlite's own.
 */
export interface PreparedStatements {
  /**
   * Runs `sql` with `params`. `inTransaction` says whether a transaction of this connection is open: then the
   * statement joins it (taking only the statement lock, as PGlite's transaction handle does); otherwise it
   * waits for any transaction to end, as PGlite's `query` does.
   */
  query<Row>(sql: string, params: unknown[], options: QueryOptions, inTransaction: boolean): Promise<Results<Row>>;
}

interface Statement {
  name: string;
  /** Postgres type ids of the parameters, from the statement's description. */
  parameterTypes: number[];
}

/** Statements kept prepared at most; the least recently used one is closed when a new one needs room. */
const DEFAULT_CAPACITY = 200;

export function createPreparedStatements(database: PGlite, capacity = DEFAULT_CAPACITY): PreparedStatements {
  const statements = new Map<string, Statement>();
  let counter = 0;

  const run = (message: Uint8Array) => database.execProtocolStream(message, { syncToFs: false });

  /** Parses `sql` under a new name and reads its parameter types; closes the oldest statement when full. */
  async function prepare(sql: string): Promise<Statement> {
    if (statements.size >= capacity) {
      const [oldestSql, oldest] = statements.entries().next().value as [string, Statement];
      statements.delete(oldestSql);
      try {
        await run(protocol.serialize.close({ type: "S", name: oldest.name }));
      } finally {
        await run(protocol.serialize.sync());
      }
    }
    counter += 1;
    const name = `gw_${counter}`;
    try {
      await run(protocol.serialize.parse({ name, text: sql, types: [] }));
      const parameterTypes = parse.parseDescribeStatementResults(await run(protocol.serialize.describe({ type: "S", name })));
      const statement = { name, parameterTypes };
      statements.set(sql, statement);
      return statement;
    } finally {
      await run(protocol.serialize.sync());
    }
  }

  function serialize(params: unknown[], types: number[], options: QueryOptions): Array<string | null> {
    return params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const type = types[index];
      const serializer = type === undefined ? undefined : (options.serializers?.[type] ?? database.serializers[type]);
      return serializer === undefined ? String(value) : serializer(value);
    });
  }

  async function execute<Row>(sql: string, params: unknown[], options: QueryOptions): Promise<Results<Row>> {
    let statement = statements.get(sql);
    if (statement === undefined) statement = await prepare(sql);
    else {
      // Most recently used last, so the first entry is the one to close.
      statements.delete(sql);
      statements.set(sql, statement);
    }
    const messages = [];
    try {
      messages.push(...(await run(protocol.serialize.bind({ statement: statement.name, values: serialize(params, statement.parameterTypes, options) }))));
      messages.push(...(await run(protocol.serialize.describe({ type: "P" }))));
      messages.push(...(await run(protocol.serialize.execute({}))));
    } finally {
      messages.push(...(await run(protocol.serialize.sync())));
    }
    const [result] = parse.parseResults(messages, database.parsers, options);
    return (result ?? { rows: [], fields: [], affectedRows: 0 }) as Results<Row>;
  }

  return {
    async query<Row>(sql: string, params: unknown[], options: QueryOptions, inTransaction: boolean): Promise<Results<Row>> {
      if (inTransaction) return database._runExclusiveQuery(() => execute<Row>(sql, params, options));
      const result = await database._runExclusiveTransaction(() => database._runExclusiveQuery(() => execute<Row>(sql, params, options)));
      await database.syncToFs();
      return result;
    },
  };
}
