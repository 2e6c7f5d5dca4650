import { fileURLToPath } from "node:url";
import { createAccountServices } from "../accounts/account-services.js";
import type { Config } from "../config/config.js";
import { loadConfig } from "../config/config.js";
import { GatewayError } from "../core/errors.js";
import type { DatabaseHandle } from "../db/client.js";
import { openDatabase } from "../db/client.js";
import { accountsCommand } from "./commands/accounts.command.js";
import type { Command } from "./commands/command-kit.js";
import { CLI_OPERATOR, UsageError, jsonReplacer } from "./commands/command-kit.js";
import { creditsCommand } from "./commands/credits.command.js";
import { keysCommand } from "./commands/keys.command.js";
import { ledgerCommand } from "./commands/ledger.command.js";

/**
 * `npm run cli -- <command>`: administration from a shell, against the same database as the gateway
 * (DATABASE_URL, or the PGlite folder in DATA_DIR; stop a PGlite gateway first, as only one process can open
 * it). Acts as an operator. Prints JSON; money is exact decimal USD strings. Purchases go through the
 * in-process payment provider, which moves no real money.
 */
const COMMANDS: Record<string, Command> = {
  accounts: accountsCommand,
  keys: keysCommand,
  credits: creditsCommand,
  ledger: ledgerCommand,
};

const HELP = `usage: npm run cli -- <command>
  accounts create --name NAME
  accounts list [--limit N] [--offset N]
  accounts disable|enable --account ID
  keys create --account ID --name NAME [--limit USD --reset daily|weekly|monthly] [--expires ISO]
  keys create --management --name NAME
  keys list [--account ID] [--include-disabled]
  keys show|disable|enable|delete --hash HASH
  credits purchase --account ID --amount USD
  credits grant --account ID --amount USD [--reason TEXT]
  credits refund --payment ID [--amount USD]
  credits adjust --account ID --amount [-]USD --reason TEXT
  credits balance --account ID
  credits top-up --account ID --threshold USD --amount USD | --disable
  ledger --account ID [--limit N] [--after CURSOR] [--type usage,purchase,...]`;

/** Runs one admin command; returns the process exit code. Tests call it with their own database and output. */
export async function runAdmin(
  argv: string[],
  io: { database: DatabaseHandle; config: Config; write(text: string): void; writeError(text: string): void },
): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.writeError(`${HELP}\n`);
    return name === undefined || name === "help" || name === "--help" ? 0 : 2;
  }
  const services = createAccountServices({ db: io.database.db, config: io.config });
  try {
    await command(rest, { services, operator: CLI_OPERATOR, print: (value) => io.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`) });
    await services.autoTopUp.idle();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.writeError(`${error.message}\n`);
      return 2;
    }
    if (error instanceof GatewayError) {
      io.writeError(`error (${error.status}): ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const config = loadConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2 });
  let code = 1;
  try {
    await database.migrate();
    code = await runAdmin(process.argv.slice(2), {
      database,
      config,
      write: (text) => process.stdout.write(text),
      writeError: (text) => process.stderr.write(text),
    });
  } finally {
    await database.close();
  }
  process.exit(code);
}
