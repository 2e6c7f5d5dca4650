import { spawn } from "node:child_process";
import { projectPath } from "../../src/config/project-root.js";
import { startNodeProcess, type NodeProcess } from "../bench/gateway-process.js";

/** `node --import` this, then a `.ts` entry point: the sources run as vitest runs them, decorators included. */
export const TS_LOADER = projectPath("test", "support", "ts-loader.mjs");

/** What a finished child process printed. */
export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a spawned entry point must not inherit from the test run (its Postgres, Redis, keys, port, folder). */
const CLEAN_ENV: Record<string, string | undefined> = {
  LOG_LEVEL: "warn",
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  MANAGEMENT_KEY: undefined,
  GATEWAY_URL: undefined,
  PORT: undefined,
  DATA_DIR: undefined,
};

/** The environment of a spawned entry point: the test's own, less CLEAN_ENV's names, plus `env`. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries({ ...CLEAN_ENV, ...env })) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** Runs a TypeScript entry point (e.g. `src/cli/admin.ts`) to its end. */
export function runEntryPoint(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TS_LOADER, projectPath(entry), ...args], { env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `src/main.ts` from the sources on `dataDir` (a PGlite folder, unless `env` names a DATABASE_URL) and
 * resolves once it answers /readyz. The process is the bench's `startNodeProcess`; this adds the loader and an
 * environment that inherits nothing of this run's databases or keys.
 */
export function startGatewayFromSources(options: { dataDir: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<NodeProcess> {
  return startNodeProcess({
    script: projectPath("src", "main.ts"),
    nodeArgs: ["--import", TS_LOADER],
    env: { ...CLEAN_ENV, DATA_DIR: options.dataDir, ...options.env },
    readyPath: "/readyz",
    readyTimeoutMs: options.timeoutMs ?? 150_000,
    captureStderr: true,
  });
}
