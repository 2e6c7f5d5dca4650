import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/accounts/key-material.js";
import { runAdmin } from "../../src/cli/admin.js";
import { loadConfig } from "../../src/config/config.js";
import { projectPath } from "../../src/config/project-root.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import type { TestDatabase } from "../support/test-database.js";
import { createTestDatabase } from "../support/test-database.js";

/** The admin CLI (`npm run cli -- ...`): accounts, keys, credits and the ledger from a shell. */

let database: TestDatabase;
let handle: DatabaseHandle;
const config = loadConfig({ LOG_LEVEL: "silent", BILLING_SWEEP_MS: "0" });

async function cli(...argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
  let out = "";
  let err = "";
  const code = await runAdmin(argv, { database: handle, config, write: (text) => (out += text), writeError: (text) => (err += text) });
  return { code, out: out === "" ? undefined : (JSON.parse(out) as unknown), err };
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = database.handle;
});

afterAll(async () => {
  await handle?.close().catch(() => {});
  await database?.destroy();
});

describe("npm run cli", () => {
  it("creates an account and a limited key, buys, grants and refunds credits, and reads the ledger", async () => {
    const account = (await cli("accounts", "create", "--name", "Shell Co")).out as { id: string; name: string };
    expect(account.name).toBe("Shell Co");

    const key = (await cli("keys", "create", "--account", account.id, "--name", "ci", "--limit", "10", "--reset", "monthly")).out as {
      key: string;
      hash: string;
      spendLimit: string;
      limitReset: string;
    };
    expect(key.key).toMatch(/^sk-gw-/);
    expect(key).toMatchObject({ hash: hashApiKey(key.key), spendLimit: "10", limitReset: "monthly" });

    const purchase = (await cli("credits", "purchase", "--account", account.id, "--amount", "25")).out as { payment: { id: string; charged: string }; balance: string };
    expect(purchase).toMatchObject({ payment: { charged: "26.375" }, balance: "25" });
    expect((await cli("credits", "grant", "--account", account.id, "--amount", "0.5", "--reason", "welcome")).out).toMatchObject({ balance: "25.5" });
    expect((await cli("credits", "refund", "--payment", purchase.payment.id, "--amount", "5")).out).toMatchObject({ balance: "20.5" });
    expect((await cli("credits", "balance", "--account", account.id)).out).toMatchObject({ balance: "20.5", purchased: "20" });

    const ledger = (await cli("ledger", "--account", account.id)).out as { balance: { balance: string }; entries: Array<{ type: string; amount: string }> };
    expect(ledger.entries.map((entry) => [entry.type, entry.amount])).toEqual([
      ["refund", "-5"],
      ["grant", "0.5"],
      ["platform_fee", "-1.375"],
      ["purchase", "26.375"],
    ]);

    expect((await cli("keys", "disable", "--hash", key.hash)).out).toMatchObject({ disabled: true });
    expect(((await cli("keys", "list", "--account", account.id)).out as unknown[]).length).toBe(0);
    expect(((await cli("keys", "list", "--account", account.id, "--include-disabled")).out as unknown[]).length).toBe(1);
    expect((await cli("keys", "delete", "--hash", key.hash)).out).toEqual({ deleted: true, hash: key.hash });
  });

  it("disables and enables an account", async () => {
    const account = (await cli("accounts", "create", "--name", "Suspended Co")).out as { id: string };
    expect((await cli("accounts", "disable", "--account", account.id)).out).toMatchObject({ id: account.id, disabled: true });
    const listed = (await cli("accounts", "list", "--limit", "500")).out as Array<{ id: string; disabled: boolean }>;
    expect(listed.find((row) => row.id === account.id)).toMatchObject({ disabled: true });
    expect((await cli("accounts", "enable", "--account", account.id)).out).toMatchObject({ id: account.id, disabled: false });
    expect((await cli("accounts", "disable")).code).toBe(2);
    expect((await cli("accounts", "disable", "--account", "00000000-0000-4000-8000-000000000000")).code).toBe(1);
  });

  it("exits 2 with usage for mistakes, 1 with the error for refusals", async () => {
    expect((await cli("keys", "create", "--name", "x")).code).toBe(2);
    expect((await cli("credits", "grant", "--account", "00000000-0000-4000-8000-000000000000", "--amount", "1")).code).toBe(1);
    expect((await cli("credits", "grant", "--amount", "abc", "--account", "x")).code).toBe(2);
    const help = await cli();
    expect(help.code).toBe(0);
    expect(help.err).toContain("usage: npm run cli");
  });

  it("runs as a program against DATA_DIR or DATABASE_URL", async () => {
    const tsx = projectPath("node_modules", "tsx", "dist", "cli.mjs");
    if (!existsSync(tsx)) return console.log("skipped: tsx (installed with drizzle-kit) is missing");
    // Only one process may open a PGlite folder: hand it over to the CLI, then take it back.
    if (database.dataDir !== undefined) await handle.close();
    const env = { ...process.env, LOG_LEVEL: "silent", ...(database.url === undefined ? { DATA_DIR: database.dataDir } : { DATABASE_URL: database.url }) };
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, projectPath("src", "cli", "admin.ts"), "accounts", "create", "--name", "From a shell"], { env });
    expect(JSON.parse(stdout)).toMatchObject({ name: "From a shell" });
    if (database.dataDir !== undefined) handle = await database.reopen();
  }, 120_000);
});
