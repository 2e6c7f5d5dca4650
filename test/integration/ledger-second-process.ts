import { once } from "node:events";
import { createAccountServices } from "../../src/accounts/account-services.js";
import type { Reservation } from "../../src/billing/ledger-service.js";
import { PaymentRequiredError } from "../../src/billing/payment-required.js";
import { loadConfig } from "../../src/config/config.js";
import { openDatabase } from "../../src/db/client.js";

/**
 * A second gateway process, as far as money is concerned: its own Node process, connection pool and
 * services on the same Postgres database. Started by ledger-two-processes.test.ts (through tsx, since Node 20
 * cannot run TypeScript itself) and by the ledger benchmark. Protocol: it prints `ready`, waits for a line
 * on stdin, runs LEDGER_COUNT reservations of LEDGER_COST pico-dollars at once, settles each success for
 * its full amount, and prints one JSON line `{ reserved, refused, otherErrors, elapsedMs }`.
 */
const env = process.env;
const url = env.LEDGER_DATABASE_URL;
const accountId = env.LEDGER_ACCOUNT_ID;
const keyHash = env.LEDGER_KEY_HASH;
if (url === undefined || accountId === undefined || keyHash === undefined) throw new Error("LEDGER_DATABASE_URL, LEDGER_ACCOUNT_ID and LEDGER_KEY_HASH are required");
const count = Number(env.LEDGER_COUNT ?? "100");
const cost = BigInt(env.LEDGER_COST ?? "1");
const sequential = env.LEDGER_MODE === "sequential";

const database = await openDatabase({ url, dataDir: "unused", poolMax: Number(env.LEDGER_POOL ?? "10") });
const services = createAccountServices({ db: database.db, config: loadConfig({ BILLING_SWEEP_MS: "0", LOG_LEVEL: "silent" }) });
// Open the pool's connections now, so the race starts on equal terms with the other process.
await Promise.all(Array.from({ length: Number(env.LEDGER_POOL ?? "10") }, () => database.ping()));
process.stdout.write("ready\n");
await once(process.stdin, "data");

const started = performance.now();
let reserved = 0;
let refused = 0;
const otherErrors: string[] = [];

async function one(): Promise<void> {
  let reservation: Reservation;
  try {
    reservation = await services.ledger.reserve({ accountId: accountId as string, keyHash: keyHash as string, maxCost: cost });
  } catch (error) {
    if (error instanceof PaymentRequiredError) refused += 1;
    else otherErrors.push(error instanceof Error ? error.message : String(error));
    return;
  }
  reserved += 1;
  await services.ledger.settle(reservation, cost, { model: "second/process" });
}

if (sequential) {
  for (let index = 0; index < count; index += 1) await one();
} else {
  await Promise.all(Array.from({ length: count }, one));
}
const elapsedMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ reserved, refused, otherErrors, elapsedMs })}\n`);
await database.close();
process.exit(0);
