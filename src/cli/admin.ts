import { createAccountServices } from "../accounts/account-services.js";
import type { Config } from "../config/config.js";
import { loadConfig } from "../config/config.js";
import { GatewayError, StartupError } from "../core/errors.js";
import type { DatabaseHandle } from "../db/client.js";
import { openDatabase } from "../db/client.js";
import { DataFolderLockedError, liveLockOwner } from "../db/data-folder-lock.js";
import type { AdminOperations } from "./admin-operations.js";
import { accountsCommand } from "./commands/accounts.command.js";
import type { Command } from "./commands/command-kit.js";
import { CLI_OPERATOR, UsageError, jsonReplacer } from "./commands/command-kit.js";
import { creditsCommand } from "./commands/credits.command.js";
import { keysCommand } from "./commands/keys.command.js";
import { ledgerCommand } from "./commands/ledger.command.js";
import { createDirectAdmin } from "./direct-admin.js";
import { exitWithStartupFailure, isEntryPoint, wantsHelp } from "./entry-point.js";
import { createGatewayAdmin } from "./gateway-admin.js";

/**
 * `npm run cli -- <command>`: administration from a shell, as an operator. It works beside a running gateway:
 * with `--url` (or GATEWAY_URL), or when the gateway holds the PGlite folder in DATA_DIR, it sends each
 * command to that gateway's GraphQL admin API with MANAGEMENT_KEY; otherwise (a stopped PGlite gateway, or a
 * Postgres in DATABASE_URL) it opens the database itself. stdout carries only the result, as JSON (indented,
 * or one line with `--json`), so it pipes into jq; informational lines go to stderr. Money is exact decimal
 * USD strings. Purchases go through the configured payment provider (the in-process one moves no real money).
 */
const COMMANDS: Record<string, Command> = {
  accounts: accountsCommand,
  keys: keysCommand,
  credits: creditsCommand,
  ledger: ledgerCommand,
};

const HELP = `usage: npm run cli -- [--url URL] [--json] <command>   (npm run --silent cli … to pipe its output)

Where the commands go: --url URL (or GATEWAY_URL): that gateway's admin API, with MANAGEMENT_KEY. Otherwise,
when a running gateway holds the PGlite folder in DATA_DIR, the same through it (MANAGEMENT_KEY needed);
otherwise the database itself (DATABASE_URL, or DATA_DIR while no gateway runs on it).
Output: the result as JSON on stdout (--json: on one line); notes on stderr. Exit 0 done, 1 refused, 2 usage.

commands:
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

/** Output of one CLI run; tests capture it. */
export interface AdminIo {
  write(text: string): void;
  writeError(text: string): void;
}

/** The options every command accepts, wherever they stand, taken out before the command parses its own. */
export function splitGlobalOptions(argv: readonly string[]): { rest: string[]; json: boolean; url: string | undefined } {
  const rest: string[] = [];
  let json = false;
  let url: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    if (argument === "--json") json = true;
    else if (argument === "--url") url = argv[++index];
    else if (argument.startsWith("--url=")) url = argument.slice("--url=".length);
    else rest.push(argument);
  }
  if (url === "") throw new UsageError("--url needs the gateway's address, e.g. --url http://127.0.0.1:8080");
  return { rest, json, url };
}

/**
 * Runs one admin command on `admin` (or, for tests that pass a database, directly on it); returns the exit
 * code: 0 done, 1 refused (the error on stderr), 2 a usage mistake.
 */
export async function runAdmin(
  argv: string[],
  io: AdminIo & ({ admin: AdminOperations } | { database: DatabaseHandle; config: Config }),
): Promise<number> {
  let parsed: ReturnType<typeof splitGlobalOptions>;
  try {
    parsed = splitGlobalOptions(argv);
  } catch (error) {
    io.writeError(`${(error as Error).message}\n`);
    return 2;
  }
  const [name, ...rest] = parsed.rest;
  if (wantsHelp(parsed.rest)) {
    io.write(`${HELP}\n`);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.writeError(`${HELP}\n`);
    return name === undefined ? 0 : 2;
  }
  const admin =
    "admin" in io ? io.admin : createDirectAdmin(createAccountServices({ db: io.database.db, config: io.config }), CLI_OPERATOR, "the database");
  try {
    await command(rest, { admin, print: (value) => io.write(`${JSON.stringify(value, jsonReplacer, parsed.json ? undefined : 2)}\n`) });
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
  } finally {
    await admin.close();
  }
}

/** Where this run's commands go, as the help above says; `close` also closes a database it opened. */
async function chooseAdmin(config: Config, url: string | undefined, io: AdminIo): Promise<{ admin: AdminOperations; close(): Promise<void> }> {
  const throughGateway = (target: string, why: string) => {
    if (config.MANAGEMENT_KEY === undefined) throw new StartupError(`${why}: set MANAGEMENT_KEY to the gateway's management key to administer through it.`);
    io.writeError(`cli: ${why}; sending the command to its admin API\n`);
    return { admin: createGatewayAdmin({ url: target, managementKey: config.MANAGEMENT_KEY }), close: () => Promise.resolve() };
  };
  if (url !== undefined) return throughGateway(url, `using the gateway at ${url}`);
  if (config.DATABASE_URL === undefined) {
    const owner = liveLockOwner(config.DATA_DIR);
    if (owner?.url !== undefined) return throughGateway(owner.url, `the gateway at ${owner.url} (pid ${owner.pid}) holds ${config.DATA_DIR}`);
    if (owner !== undefined) throw new DataFolderLockedError(config.DATA_DIR, owner);
  }
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2, role: "cli" });
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const admin = createDirectAdmin(createAccountServices({ db: database.db, config }), CLI_OPERATOR, database.kind);
  return { admin, close: () => database.close() };
}

if (isEntryPoint(import.meta.url)) {
  const io: AdminIo = { write: (text) => process.stdout.write(text), writeError: (text) => process.stderr.write(text) };
  const argv = process.argv.slice(2);
  let code = 2;
  try {
    const { rest, url } = splitGlobalOptions(argv);
    if (rest.length === 0 || wantsHelp(rest)) {
      (rest.length === 0 ? io.writeError : io.write)(`${HELP}\n`);
      code = 0;
    } else {
      const config = loadConfig();
      const chosen = await chooseAdmin(config, url ?? process.env.GATEWAY_URL, io);
      try {
        code = await runAdmin(argv, { admin: chosen.admin, ...io });
      } finally {
        await chosen.close();
      }
    }
  } catch (error) {
    if (error instanceof UsageError) io.writeError(`${error.message}\n`);
    else exitWithStartupFailure(error);
  }
  process.exit(code);
}
