import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountServices } from "../../src/accounts/account-services.js";
import type { Reservation } from "../../src/billing/ledger-service.js";
import { parseUsd } from "../../src/billing/money.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import { projectPath } from "../../src/config/project-root.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";
import { accountServicesFor, fundedAccount, ledgerMismatches, moneyState } from "./ledger-test-kit.js";

/**
 * The reservation race spread over two gateway processes sharing one Postgres: this test process and a real
 * child process (ledger-second-process.ts, run with tsx) each fire 100 reservations at the same moment against
 * credit for exactly 50. The limit must hold globally. Postgres only: PGlite is one process's embedded
 * database and cannot be shared.
 */

const TSX_CLI = projectPath("node_modules", "tsx", "dist", "cli.mjs");
const onPostgres = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== "";
if (!onPostgres) console.log("ledger-two-processes: skipped, needs DATABASE_URL (two processes cannot share an embedded PGlite)");
if (onPostgres && !existsSync(TSX_CLI)) console.log(`ledger-two-processes: skipped, ${TSX_CLI} is missing (tsx comes with drizzle-kit)`);

const COST = parseUsd("0.007");
let database: TestDatabase;
let services: AccountServices;

interface ChildResult {
  reserved: number;
  refused: number;
  otherErrors: string[];
}

/** Starts the second process and resolves once it is connected and waiting for the start signal. */
async function startSecondProcess(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; result: Promise<ChildResult> }> {
  const child = spawn(process.execPath, [TSX_CLI, projectPath("test", "integration", "ledger-second-process.ts")], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.value !== "ready") throw new Error(`second process did not start: ${String(first.value)} ${stderr}`);
  const result = (async () => {
    const line = await iterator.next();
    if (line.done === true) throw new Error(`second process ended without a result: ${stderr}`);
    return JSON.parse(String(line.value)) as ChildResult;
  })();
  return { child, result };
}

beforeAll(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase({ poolMax: 10 });
  services = accountServicesFor(database.handle.db);
});

afterAll(async () => {
  await database?.destroy();
});

describe.skipIf(!onPostgres || !existsSync(TSX_CLI))("two gateway processes on one Postgres", () => {
  it("200 reservations split over two processes against credit for exactly 50: exactly 50 succeed in total", async () => {
    const account = await fundedAccount(services, { credits: COST * 50n });
    const url = database.url;
    if (url === undefined) throw new Error("no database url");
    const second = await startSecondProcess({
      LEDGER_DATABASE_URL: url,
      LEDGER_ACCOUNT_ID: account.accountId,
      LEDGER_KEY_HASH: account.keyHash,
      LEDGER_COUNT: "100",
      LEDGER_COST: COST.toString(),
    });
    await Promise.all(Array.from({ length: 10 }, () => database.handle.ping()));
    second.child.stdin.write("go\n");
    const here = await Promise.allSettled(
      Array.from({ length: 100 }, async () => {
        const reservation: Reservation = await services.ledger.reserve({ accountId: account.accountId, keyHash: account.keyHash, maxCost: COST });
        await services.ledger.settle(reservation, COST);
      }),
    );
    const there = await second.result;
    const reservedHere = here.filter((outcome) => outcome.status === "fulfilled").length;
    for (const outcome of here) if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(PaymentRequiredError);
    expect(there.otherErrors).toEqual([]);
    expect(reservedHere + there.reserved).toBe(50);
    expect(100 - reservedHere + there.refused).toBe(150);
    // Both processes took part (each got some of the 50), so the race really was between processes.
    expect(reservedHere).toBeGreaterThan(0);
    expect(there.reserved).toBeGreaterThan(0);
    const state = await moneyState(database.handle.db, account.accountId);
    expect(state).toEqual({ balance: 0n, reserved: 0n, ledgerSum: 0n, openReservations: 0n, keyReserved: 0n });
    expect(await ledgerMismatches(database.handle.db)).toEqual([]);
  }, 60_000);
});
