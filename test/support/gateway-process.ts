import { spawn, type ChildProcess } from "node:child_process";
import { projectPath } from "../../src/config/project-root.js";
import { readLockOwner } from "../../src/db/data-folder-lock.js";

/** `node --import` this, then a `.ts` entry point: the sources run as vitest runs them, decorators included. */
export const TS_LOADER = projectPath("test", "support", "ts-loader.mjs");

/** What a finished child process printed. */
export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a spawned entry point: the test's own, less whatever would point it at this run's
 * Postgres, Redis or provider keys, plus `env`.
 */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  for (const name of ["DATABASE_URL", "REDIS_URL", "MANAGEMENT_KEY", "GATEWAY_URL", "PORT", "DATA_DIR"]) delete base[name];
  for (const [name, value] of Object.entries(env)) {
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

/** A gateway running as its own process (src/main.ts) on a PGlite folder. */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed on stderr so far. */
  stderr(): string;
  /** SIGTERM, and the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

/**
 * Starts `src/main.ts` on `dataDir` on a free port, and resolves once it answers /readyz: its address is read
 * from the data folder's lock file, where the gateway records it once it listens.
 */
export async function startGatewayProcess(options: { dataDir: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["--import", TS_LOADER, projectPath("src", "main.ts")], {
    env: childEnv({ PORT: "0", DATA_DIR: options.dataDir, ...options.env }),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 150_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway process exited (${child.exitCode}): ${stderr}`);
    const owner = readLockOwner(options.dataDir);
    const url = owner !== undefined && owner.pid === child.pid ? owner.url : undefined;
    if (url !== undefined) {
      const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
      if (ready) {
        return {
          child,
          url,
          stderr: () => stderr,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
        };
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the gateway process was not ready in time: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
