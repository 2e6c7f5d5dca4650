import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataFolderLockedError, LOCK_FILE_NAME, acquireDataFolderLock, readLockOwner } from "../../src/db/data-folder-lock.js";
import type { NodeProcess } from "../bench/gateway-process.js";
import { runEntryPoint, startGatewayFromSources } from "../support/gateway-process.js";

/**
 * One owner per PGlite folder (a second process on the same files damaged them silently), and an operator CLI
 * that works beside a running gateway by sending its commands to the gateway's admin API. Real processes:
 * the gateway is `src/main.ts` and the CLI `src/cli/admin.ts`, each spawned on its own.
 */

const MANAGEMENT_KEY = "sk-mgmt-lock-test-0123456789";
const CLI = "src/cli/admin.ts";
let dataDir: string;
let gateway: NodeProcess;

/** A pid that is certainly dead: a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gw-lock-"));
  gateway = await startGatewayFromSources({ dataDir, env: { MANAGEMENT_KEY } });
}, 180_000);

afterAll(async () => {
  if (gateway?.exitCode() === null) await gateway.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the lock on a PGlite data folder", () => {
  it("names the running gateway, its pid and its address", () => {
    expect(readLockOwner(dataDir)).toMatchObject({ pid: gateway.pid, role: "gateway", url: gateway.url, hostname: hostname() });
  });

  it("stops a second gateway on the same folder at once, with one line saying who holds it and what to do", async () => {
    const second = await runEntryPoint("src/main.ts", [], { DATA_DIR: dataDir, PORT: "0", MANAGEMENT_KEY });
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is in use by the gateway at ${gateway.url} (pid ${gateway.pid}`);
    expect(lines[0]).toContain("Stop that process first");
    expect(readLockOwner(dataDir)?.pid).toBe(gateway.pid);
  }, 120_000);

  it("refuses a CLI without the management key instead of opening the folder beside the gateway", async () => {
    const cli = await runEntryPoint(CLI, ["accounts", "list"], { DATA_DIR: dataDir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toContain(`the gateway at ${gateway.url} (pid ${gateway.pid}) holds ${dataDir}: set MANAGEMENT_KEY`);
  }, 120_000);
});

describe("the CLI beside a running gateway", () => {
  let accountId: string;
  let apiKey: string;

  it("creates an account, grants and adjusts credits and creates a key through the gateway's admin API", async () => {
    const created = await runEntryPoint(CLI, ["accounts", "create", "--name", "Beside the gateway", "--json"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(created.code).toBe(0);
    // Only the result on stdout, as one line of JSON; the note on where it went on stderr.
    expect(created.stdout.trim().split("\n")).toHaveLength(1);
    expect(created.stderr).toContain(`the gateway at ${gateway.url}`);
    const account = json<{ id: string; name: string; balance: { balance: string } }>(created.stdout);
    expect(account).toMatchObject({ name: "Beside the gateway", balance: { balance: "0" } });
    accountId = account.id;

    const granted = await runEntryPoint(CLI, ["credits", "grant", "--account", accountId, "--amount", "3.5", "--reason", "welcome"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(granted.code).toBe(0);
    expect(json(granted.stdout)).toEqual({ accountId, balance: "3.5" });
    const adjusted = await runEntryPoint(CLI, ["credits", "adjust", "--account", accountId, "--amount=-0.25", "--reason", "correction"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(adjusted.code, adjusted.stderr).toBe(0);
    expect(json(adjusted.stdout)).toEqual({ accountId, balance: "3.25" });

    const key = await runEntryPoint(CLI, ["keys", "create", "--account", accountId, "--name", "laptop", "--limit", "2", "--reset", "monthly"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(key.code).toBe(0);
    const createdKey = json<{ key: string; hash: string; spendLimit: string; limitReset: string; kind: string }>(key.stdout);
    expect(createdKey).toMatchObject({ spendLimit: "2", limitReset: "monthly", kind: "api" });
    expect(createdKey.key).toMatch(/^sk-gw-/);
    apiKey = createdKey.key;
  }, 180_000);

  it("shows what it did through the gateway's own API at once", async () => {
    const credits = await fetch(`${gateway.url}/api/v1/credits`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(credits.status).toBe(200);
    expect(await credits.json()).toEqual({ data: { total_credits: 3.25, total_usage: 0 } });
    const listed = await runEntryPoint(CLI, ["keys", "list", "--account", accountId, "--json"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(json<Array<{ name: string }>>(listed.stdout).map((row) => row.name)).toEqual(["laptop"]);
    const ledger = await runEntryPoint(CLI, ["ledger", "--account", accountId, "--json"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(json<{ entries: Array<{ type: string; amount: string }> }>(ledger.stdout).entries.map((entry) => [entry.type, entry.amount])).toEqual([
      ["adjustment", "-0.25"],
      ["grant", "3.5"],
    ]);
  }, 120_000);

  it("reports a refusal of the gateway as the direct mode does: exit 1, the error on stderr", async () => {
    const refused = await runEntryPoint(CLI, ["credits", "grant", "--account", "00000000-0000-4000-8000-000000000000", "--amount", "1"], { DATA_DIR: dataDir, MANAGEMENT_KEY });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/error \(404\): .*not found/i);
  }, 120_000);

  it("leaves the data intact: stopped, the folder opens directly and finds the account by id and in the list", async () => {
    expect(await gateway.stop()).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    const balance = await runEntryPoint(CLI, ["credits", "balance", "--account", accountId, "--json"], { DATA_DIR: dataDir });
    expect(balance.code).toBe(0);
    expect(json(balance.stdout)).toMatchObject({ balance: "3.25" });
    const accounts = await runEntryPoint(CLI, ["accounts", "list", "--json"], { DATA_DIR: dataDir });
    expect(json<Array<{ id: string }>>(accounts.stdout).map((row) => row.id)).toContain(accountId);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  }, 180_000);

  it("takes over the stale lock a killed owner left, and gives it back when done", async () => {
    writeFileSync(join(dataDir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid(), processStart: "1", hostname: hostname(), role: "gateway", url: "http://127.0.0.1:9", lockedAt: "2026-01-01T00:00:00Z" }));
    const listed = await runEntryPoint(CLI, ["accounts", "list", "--json"], { DATA_DIR: dataDir });
    expect(listed.code).toBe(0);
    expect(json<Array<{ id: string }>>(listed.stdout).map((row) => row.id)).toContain(accountId);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  }, 120_000);
});

describe("acquireDataFolderLock", () => {
  const folder = mkdtempSync(join(tmpdir(), "gw-lock-unit-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("is exclusive, even within one process, until released", () => {
    const lock = acquireDataFolderLock(folder, "test");
    expect(() => acquireDataFolderLock(folder, "test")).toThrow(DataFolderLockedError);
    lock.release();
    acquireDataFolderLock(folder, "test").release();
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
  });

  it("treats a live pid with another start time as a reused pid, hence a stale lock", () => {
    // The parent of this test process is alive, but did not write this lock: its recorded start time differs.
    writeFileSync(join(folder, LOCK_FILE_NAME), JSON.stringify({ pid: process.ppid, processStart: "1", hostname: hostname(), role: "gateway", lockedAt: "2026-01-01T00:00:00Z" }));
    const lock = acquireDataFolderLock(folder, "test");
    expect(readLockOwner(folder)).toMatchObject({ pid: process.pid, role: "test" });
    lock.release();
  });

  it("respects a live owner's lock", () => {
    writeFileSync(join(folder, LOCK_FILE_NAME), JSON.stringify({ pid: process.ppid, processStart: null, hostname: hostname(), role: "gateway", lockedAt: "2026-01-01T00:00:00Z" }));
    expect(() => acquireDataFolderLock(folder, "test")).toThrow(/in use by the gateway \(pid/);
    rmSync(join(folder, LOCK_FILE_NAME));
  });
});

describe("starting", () => {
  let occupied: Server;
  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

  it("stops with one clear line when the port is in use", async () => {
    const port = (occupied.address() as { port: number }).port;
    const started = await runEntryPoint("src/main.ts", [], { PORT: String(port), DATA_DIR: "memory://" });
    expect(started.code).toBe(1);
    expect(started.stderr.trim()).toBe(`Port ${port} on 127.0.0.1 is already in use: stop what listens there, or set PORT to another port.`);
  }, 180_000);

  it.each([["src/main.ts"], [CLI], ["src/cli/migrate.ts"], ["src/cli/catalog-import.ts"], ["src/cli/emit-schema.ts"], ["test/simulators/main.ts"]])("%s answers --help", async (entry) => {
    const help = await runEntryPoint(entry, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: /);
  }, 120_000);
});
