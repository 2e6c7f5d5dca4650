import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { DatabaseHandle } from "../../src/db/client.js";
import { openDatabase } from "../../src/db/client.js";
import { jsonBatchInsert } from "../../src/db/json-batch-insert.js";
import { generations } from "../../src/db/schema/index.js";
import type { NewGenerationRow } from "../../src/db/schema/index.js";
import { queryUsage } from "../../src/usage/usage-query.js";
import type { UsageQuery } from "../../src/usage/usage-query.js";
import { withDatabaseName } from "../support/test-database.js";
import { percentile, round } from "./stats.js";

/**
 * Usage queries as data grows (issue 17, part 6): USAGE_BENCH_ROWS generation records (default 1,000,000)
 * across 100 keys of 10 accounts, 50 models and 3 providers over the last 30 UTC days are inserted through the
 * production path (batched INSERTs into `generations`, the rollup trigger summing each batch), then the
 * 30-day by-day-by-model query is timed on PGlite and, when DATABASE_URL is set, on Postgres: for every
 * account (an operator's dashboard), for one account, and two variants that read the hourly rollup (one key;
 * latency percentiles). First, what the rollup triggers add to writing a batch of generation records (1 and 100
 * rows, triggers on and off in alternating halves; USAGE_BENCH_INSERT=0 skips it). Not a test: it prints
 * figures (the target is < 100 ms on Postgres, < 300 ms on PGlite).
 */
export interface UsageBenchRow {
  database: string;
  query: string;
  "rows out": number;
  runs: number;
  "p50 ms": number;
  "p95 ms": number;
}

const DAY_MS = 86_400_000;
const KEYS = 100;
const ACCOUNTS = 10;
const MODELS = 50;
const PROVIDERS = 3;
const BATCH = 20_000;

/** Seeds `rows` generations, BATCH per INSERT, spread evenly (a row a few seconds) over the 30 days before today. */
async function seed(database: DatabaseHandle, rows: number, midnight: number): Promise<number> {
  const started = performance.now();
  const spanSeconds = 30 * 86_400;
  for (let first = 0; first < rows; first += BATCH) {
    const last = Math.min(rows, first + BATCH) - 1;
    // Numbers of this file, not input: inlined so the planner sees integer constants.
    const n = (value: number) => sql.raw(String(Math.trunc(value)));
    await database.db.execute(sql`
      insert into generations (id, account_id, key_hash, model, provider_slug, provider_name, api_type, streamed, finish_reason,
        tokens_prompt, tokens_completion, tokens_reasoning, tokens_cached, total_cost, latency_ms, generation_time_ms, created_at)
      select 'gen-bench-' || i, 'account-' || ((i % ${n(KEYS)}) % ${n(ACCOUNTS)}), 'key-' || (i % ${n(KEYS)}), 'bench/model-' || ((i / ${n(KEYS)}) % ${n(MODELS)}),
        'provider-' || ((i / ${n(KEYS * MODELS)}) % ${n(PROVIDERS)}), 'Provider ' || ((i / ${n(KEYS * MODELS)}) % ${n(PROVIDERS)}), 'completions', (i % 2) = 0, case when i % 97 = 0 then 'error' else 'stop' end,
        100 + i % 900, 10 + i % 400, i % 50, i % 30, (1000 + i % 99991)::bigint * 1000, 200 + i % 3000, 100 + i % 2000,
        to_timestamp(${n(midnight / 1000)} - ${n(spanSeconds)}) + ((i::bigint * ${n(spanSeconds)}) / ${n(rows)}) * interval '1 second'
      from generate_series(${n(first)}, ${n(last)}) as i`);
  }
  return (performance.now() - started) / 1000;
}

async function time(label: string, database: DatabaseHandle, query: UsageQuery, runs: number, rowsIn: string): Promise<UsageBenchRow> {
  await queryUsage(database.db, query);
  const durations: number[] = [];
  let rowsOut = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    rowsOut = (await queryUsage(database.db, query)).length;
    durations.push(performance.now() - started);
  }
  return { database: label, query: rowsIn, "rows out": rowsOut, runs, "p50 ms": round(percentile(durations, 50), 1), "p95 ms": round(percentile(durations, 95), 1) };
}

/** What a generation batch costs to write, with the rollup triggers and without them: the price of exact rollups. */
export interface InsertCostRow {
  database: string;
  "batch rows": number;
  batches: number;
  "with rollups p50 ms": number;
  "without p50 ms": number;
  "with rollups p95 ms": number;
  "without p95 ms": number;
}

const ROLLUP_TRIGGERS = ["generations_rollup_after_insert", "generations_rollup_all_accounts_after_insert", "generations_latency_daily_rollup_after_insert"];

async function insertCost(label: string, database: DatabaseHandle): Promise<InsertCostRow[]> {
  const insert = jsonBatchInsert(generations);
  let sequence = 0;
  const batchOf = (size: number): NewGenerationRow[] =>
    Array.from({ length: size }, () => {
      sequence += 1;
      return {
        id: `gen-insert-cost-${sequence}`,
        accountId: `account-${sequence % ACCOUNTS}`,
        keyHash: `key-${sequence % KEYS}`,
        model: `bench/model-${sequence % MODELS}`,
        providerSlug: `provider-${sequence % PROVIDERS}`,
        apiType: "completions",
        streamed: false,
        tokensPrompt: 100,
        tokensCompletion: 50,
        totalCost: 123_456n,
        latencyMs: 300 + (sequence % 700),
      };
    });
  const timed = async (size: number, batches: number): Promise<number[]> => {
    const durations: number[] = [];
    for (let batch = 0; batch < batches; batch += 1) {
      const rows = batchOf(size);
      const started = performance.now();
      await insert.insert(database.db, rows);
      durations.push(performance.now() - started);
    }
    return durations;
  };
  const setTriggers = async (enabled: boolean) => {
    for (const name of ROLLUP_TRIGGERS) await database.db.execute(sql.raw(`alter table generations ${enabled ? "enable" : "disable"} trigger "${name}"`));
  };
  const results: InsertCostRow[] = [];
  for (const [size, batches] of [[1, 300], [100, 60]] as const) {
    await timed(size, 20);
    // Alternating halves, so load on the machine falls on both sides alike.
    const withRollups: number[] = [];
    const without: number[] = [];
    for (let half = 0; half < 4; half += 1) {
      withRollups.push(...(await timed(size, batches / 4)));
      await setTriggers(false);
      without.push(...(await timed(size, batches / 4)));
      await setTriggers(true);
    }
    results.push({
      database: label,
      "batch rows": size,
      batches,
      "with rollups p50 ms": round(percentile(withRollups, 50), 2),
      "without p50 ms": round(percentile(without, 50), 2),
      "with rollups p95 ms": round(percentile(withRollups, 95), 2),
      "without p95 ms": round(percentile(without, 95), 2),
    });
  }
  // The rows written without the triggers are not in the rollups; the seeded ones must be alone there.
  await database.db.execute(sql`delete from generations`);
  for (const table of ["usage_hourly", "usage_daily", "usage_daily_all_accounts", "usage_latency_hourly", "usage_latency_daily", "usage_latency_daily_all_accounts"]) await database.db.execute(sql.raw(`delete from "${table}"`));
  console.table(results);
  return results;
}

async function runOn(label: string, database: DatabaseHandle, rows: number, runs: number): Promise<UsageBenchRow[]> {
  const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  if (process.env.USAGE_BENCH_INSERT !== "0") await insertCost(label, database);
  const seconds = await seed(database, rows, midnight);
  // What autovacuum does on a server after a load like this (PGlite has no autovacuum): fresh planner statistics.
  await database.db.execute(sql`vacuum analyze`);
  const counted = await database.db.execute(sql`select (select count(*) from usage_daily_all_accounts)::int as everyone, (select count(*) from usage_daily)::int as daily, (select count(*) from usage_hourly)::int as hourly`);
  const counts = (Array.isArray(counted) ? counted[0] : (counted as { rows: unknown[] }).rows[0]) as { everyone: number; daily: number; hourly: number };
  console.log(`${label}: seeded ${rows} generations in ${round(seconds, 1)} s (${Math.round(rows / seconds)} rows/s, rollup trigger included): ${counts.everyone} all-accounts daily, ${counts.daily} daily and ${counts.hourly} hourly rollup rows; load average ${loadavg().map((value) => value.toFixed(1)).join(" ")}`);
  const window = { from: new Date(midnight - 30 * DAY_MS), to: new Date(midnight) };
  const byDayByModel = ["day", "model"] as const;
  return [
    await time(label, database, { filter: { ...window, accountId: undefined }, groupBy: byDayByModel, latency: false }, runs, "30 days by day by model, every account"),
    await time(label, database, { filter: { ...window, accountId: "account-3" }, groupBy: byDayByModel, latency: false }, runs, "30 days by day by model, one account"),
    await time(label, database, { filter: { ...window, accountId: "account-3", keys: ["key-13"] }, groupBy: byDayByModel, latency: false }, runs, "... one key (hourly rollup)"),
    await time(label, database, { filter: { ...window, accountId: "account-3" }, groupBy: byDayByModel, latency: true }, runs, "... one account, with p50/p95 latency"),
    await time(label, database, { filter: { ...window, accountId: undefined }, groupBy: ["day", "provider"], latency: true }, runs, "every account, by day by provider, with p50/p95"),
  ];
}

export async function runUsageBench(): Promise<UsageBenchRow[]> {
  const rows = Number(process.env.USAGE_BENCH_ROWS ?? 1_000_000);
  const runs = Number(process.env.USAGE_BENCH_RUNS ?? 20);
  const results: UsageBenchRow[] = [];
  if (process.env.USAGE_BENCH_PGLITE !== "0") {
    const pglite = await openDatabase({ dataDir: "memory://" });
    try {
      await pglite.migrate();
      results.push(...(await runOn("PGlite", pglite, rows, runs)));
    } finally {
      await pglite.close();
    }
  }
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== "") {
    const name = `gw_bench_usage_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    const database = await openDatabase({ url: withDatabaseName(serverUrl, name), dataDir: "unused", poolMax: 4 });
    try {
      await database.migrate();
      results.push(...(await runOn("Postgres", database, rows, runs)));
    } finally {
      await database.close();
      if (process.env.USAGE_BENCH_KEEP !== "1") await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
    }
  }
  return results;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await runUsageBench());
  process.exit(0);
}
