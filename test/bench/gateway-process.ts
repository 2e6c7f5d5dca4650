import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { createAccountServices } from "../../src/accounts/account-services.js";
import { parseUsd } from "../../src/billing/money.js";
import { seedCatalogIfEmpty } from "../../src/catalog/seed.js";
import { loadConfig } from "../../src/config/config.js";
import { projectPath } from "../../src/config/project-root.js";
import { openDatabase } from "../../src/db/client.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { TEST_OPERATOR } from "../support/api-keys.js";
import { pinnedCommand } from "./cpu-pinning.js";

/** A gateway running as its own process, as in production, with a funded key made before it started. */
export interface GatewayProcess {
  url: string;
  apiKey: string;
  /** Resident memory of the gateway process, in MiB. */
  residentMiB(): number;
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<unknown>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function cpuMsOf(child: ChildProcess): number {
  try {
    // /proc/<pid>/stat: utime and stime are fields 14 and 15; the command name (field 2) may hold spaces.
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

function residentMiBOf(child: ChildProcess): number {
  try {
    // /proc/<pid>/statm: the second field is resident pages.
    const statm = readFileSync(`/proc/${child.pid}/statm`, "utf8");
    return (Number(statm.split(" ")[1]) * 4096) / 1024 / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * An account with `usd` of credit and one API key, made straight on `database` (before a gateway process
 * opens it), for the bench and for the tests that run the gateway as its own process.
 */
export async function createFundedAccount(database: DatabaseHandle, options: { usd: string; name: string }): Promise<{ apiKey: string; accountId: string }> {
  const services = createAccountServices({ db: database.db, config: loadConfig({ ...process.env, BILLING_SWEEP_MS: "0", LOG_LEVEL: "silent" }) });
  const account = await services.accounts.create(TEST_OPERATOR, { name: options.name });
  await services.credits.grant(TEST_OPERATOR, { accountId: account.id, credits: parseUsd(options.usd), reason: options.name });
  const { plaintext } = await services.keys.create(TEST_OPERATOR, { accountId: account.id, name: options.name });
  return { apiKey: plaintext, accountId: account.id };
}

/**
 * Prepares the database (migrations, catalog, one account with credit and a key) in this process, closes it,
 * then starts `dist/src/main.js` on it (PGlite in `dataDir`, or DATABASE_URL) and waits for /readyz.
 */
export async function startGatewayProcess(options: { dataDir: string; env: Record<string, string>; nodeArgs?: string[]; cpus?: string }): Promise<GatewayProcess> {
  const config = loadConfig({ ...process.env, DATA_DIR: options.dataDir, LOG_LEVEL: "silent" });
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await database.migrate();
  await seedCatalogIfEmpty(database.db);
  const { apiKey: plaintext } = await createFundedAccount(database, { usd: "100000", name: "bench" });
  await database.close();

  const child = await startNodeProcess({
    script: projectPath("dist", "src", "main.js"),
    nodeArgs: options.nodeArgs ?? [],
    env: { ...options.env, HOST: "127.0.0.1", DATA_DIR: options.dataDir, LOG_LEVEL: "warn" },
    readyPath: "/readyz",
    ...(options.cpus === undefined ? {} : { cpus: options.cpus }),
  });
  return { url: child.url, apiKey: plaintext, residentMiB: child.residentMiB, cpuMs: child.cpuMs, stop: child.stop };
}

/** A Node.js script running as its own process on a free port, answering HTTP. */
export interface NodeProcess {
  url: string;
  pid: number | undefined;
  residentMiB(): number;
  cpuMs(): number;
  /** Its exit code once it has exited (null while it runs, or when a signal ended it). */
  exitCode(): number | null;
  /** What it wrote on stderr, when started with `captureStderr` (otherwise it goes to this process's stderr). */
  stderr(): string;
  /** SIGTERM; resolves with the exit code once it is gone. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies at once, with whatever it had not written; resolves once it is gone. */
  kill(): Promise<number | null>;
}

/**
 * Starts `script` with PORT set to a free port (on `cpus`, a taskset CPU list, when given) and waits until it
 * answers HTTP (with a 2xx at `readyPath`, when given).
 */
export async function startNodeProcess(options: {
  script: string;
  /** Added to this process's environment; `undefined` removes a variable (so a child never inherits DATABASE_URL by accident). */
  env: Record<string, string | undefined>;
  nodeArgs?: string[];
  readyPath?: string;
  cpus?: string;
  readyTimeoutMs?: number;
  captureStderr?: boolean;
}): Promise<NodeProcess> {
  const port = await freePort();
  const { command, args } = pinnedCommand(options.cpus, [...(options.nodeArgs ?? []), options.script]);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  env.PORT = String(port);
  const child = spawn(command, args, { env, stdio: ["ignore", "inherit", options.captureStderr === true ? "pipe" : "inherit"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const signal = (name: NodeJS.Signals): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  // Generous: a cold start on a busy shared machine can take half a minute.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    const ready = await fetch(`${url}${options.readyPath ?? "/"}`)
      .then((response) => (options.readyPath === undefined ? true : response.ok))
      .catch(() => false);
    if (ready) break;
    if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      await signal("SIGKILL");
      throw new Error(`${options.script} did not answer ${url}${options.readyPath ?? "/"} in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid,
    residentMiB: () => residentMiBOf(child),
    cpuMs: () => cpuMsOf(child),
    exitCode: () => child.exitCode,
    stderr: () => stderr,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}
