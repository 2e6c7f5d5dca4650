import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { createAccountServices } from "../../src/accounts/account-services.js";
import type { AccountServices } from "../../src/accounts/account-services.js";
import type { Principal } from "../../src/auth/principal.js";
import { parseUsd } from "../../src/billing/money.js";
import { loadConfig } from "../../src/config/config.js";
import { projectPath } from "../../src/config/project-root.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { openDatabase } from "../../src/db/client.js";
import { withDatabaseName } from "../support/test-database.js";
import { percentile, round } from "./stats.js";

/**
 * Ledger throughput: reservation + settlement pairs on ONE hot account (the worst case: every pair updates
 * the same balance row and key row), one at a time and concurrently, on PGlite and, when DATABASE_URL is set,
 * on Postgres, where a second process (test/integration/ledger-second-process.ts) joins in. Not a test: it
 * prints figures. LEDGER_BENCH_OPS scales the run (default 1000).
 */
export interface LedgerBenchRow {
  database: string;
  scenario: string;
  pairs: number;
  "pairs/s": number;
  "p50 ms": number | string;
  "p99 ms": number | string;
}

const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "bench" };
const COST = parseUsd("0.000001");

interface HotAccount {
  accountId: string;
  keyHash: string;
}

async function hotAccount(services: AccountServices): Promise<HotAccount> {
  const account = await services.accounts.create(OPERATOR, { name: "hot" });
  const key = await services.keys.create(OPERATOR, { accountId: account.id, name: "hot key", spendLimit: parseUsd("1000"), limitReset: "daily" });
  await services.credits.grant(OPERATOR, { accountId: account.id, credits: parseUsd("1000") });
  return { accountId: account.id, keyHash: key.key.hash };
}

async function pair(services: AccountServices, account: HotAccount): Promise<number> {
  const started = performance.now();
  const reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: COST * 2n });
  await services.ledger.settle(reservation, COST, { model: "bench/model" });
  return performance.now() - started;
}

async function runScenarios(label: string, database: DatabaseHandle, operations: number): Promise<{ rows: LedgerBenchRow[]; account: HotAccount; services: AccountServices }> {
  const services = createAccountServices({ db: database.db, relaxedDb: database.relaxed, config: loadConfig({ LOG_LEVEL: "silent", BILLING_SWEEP_MS: "0" }) });
  const account = await hotAccount(services);
  for (let warm = 0; warm < 50; warm += 1) await pair(services, account);
  const rows: LedgerBenchRow[] = [];

  const sequential: number[] = [];
  let started = performance.now();
  for (let index = 0; index < operations; index += 1) sequential.push(await pair(services, account));
  let seconds = (performance.now() - started) / 1000;
  rows.push({
    database: label,
    scenario: "one at a time",
    pairs: operations,
    "pairs/s": Math.round(operations / seconds),
    "p50 ms": round(percentile(sequential, 50)),
    "p99 ms": round(percentile(sequential, 99)),
  });

  const concurrency = 32;
  const concurrent: number[] = [];
  let next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < operations) {
        next += 1;
        concurrent.push(await pair(services, account));
      }
    }),
  );
  seconds = (performance.now() - started) / 1000;
  rows.push({
    database: label,
    scenario: `${concurrency} concurrent`,
    pairs: operations,
    "pairs/s": Math.round(operations / seconds),
    "p50 ms": round(percentile(concurrent, 50)),
    "p99 ms": round(percentile(concurrent, 99)),
  });
  return { rows, account, services };
}

/** The second process: compiled JS next to this file in dist/, or the TypeScript source through tsx. */
function secondProcessCommand(): string[] | undefined {
  const compiled = fileURLToPath(new URL("../integration/ledger-second-process.js", import.meta.url));
  if (existsSync(compiled)) return [compiled];
  const tsx = projectPath("node_modules", "tsx", "dist", "cli.mjs");
  const source = projectPath("test", "integration", "ledger-second-process.ts");
  return existsSync(tsx) ? [tsx, source] : undefined;
}

async function twoProcesses(url: string, services: AccountServices, account: HotAccount, operations: number): Promise<LedgerBenchRow | undefined> {
  const command = secondProcessCommand();
  if (command === undefined) return undefined;
  const child = spawn(process.execPath, command, {
    env: {
      ...process.env,
      LEDGER_DATABASE_URL: url,
      LEDGER_ACCOUNT_ID: account.accountId,
      LEDGER_KEY_HASH: account.keyHash,
      LEDGER_COUNT: String(operations),
      LEDGER_COST: COST.toString(),
      LEDGER_POOL: "10",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== "ready") throw new Error("second process did not start");
  child.stdin.write("go\n");
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < operations) {
        next += 1;
        await pair(services, account);
      }
    }),
  );
  const hereMs = performance.now() - started;
  const result = JSON.parse(String((await lines.next()).value)) as { reserved: number; elapsedMs: number };
  const seconds = Math.max(hereMs, result.elapsedMs) / 1000;
  return {
    database: "Postgres",
    scenario: "two processes, pool of 10 each",
    pairs: operations + result.reserved,
    "pairs/s": Math.round((operations + result.reserved) / seconds),
    "p50 ms": "-",
    "p99 ms": "-",
  };
}

export async function runLedgerBench(): Promise<LedgerBenchRow[]> {
  const operations = Number(process.env.LEDGER_BENCH_OPS ?? 1000);
  const rows: LedgerBenchRow[] = [];

  const pglite = await openDatabase({ dataDir: "memory://" });
  await pglite.migrate();
  rows.push(...(await runScenarios("PGlite", pglite, operations)).rows);
  await pglite.close();

  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== "") {
    const name = `gw_bench_ledger_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    const url = withDatabaseName(serverUrl, name);
    const database = await openDatabase({ url, dataDir: "unused", poolMax: 32 });
    try {
      await database.migrate();
      const result = await runScenarios("Postgres", database, operations);
      rows.push(...result.rows);
      const two = await twoProcesses(url, result.services, result.account, operations);
      if (two !== undefined) rows.push(two);
    } finally {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await runLedgerBench());
  process.exit(0);
}
