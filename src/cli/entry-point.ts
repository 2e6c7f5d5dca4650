import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StartupError } from "../core/errors.js";

/** Whether the module at `moduleUrl` is the script node was started with (not imported by a test). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Whether the arguments ask for help (`--help`, `-h` or `help`). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((argument) => argument === "--help" || argument === "-h") || argv[0] === "help";
}

/**
 * How every entry point reports a failure to start: a StartupError (a bad variable, a port in use, a data
 * folder held by another process) as its one-line message, anything else with its stack; exit code 1.
 */
export function exitWithStartupFailure(error: unknown): never {
  if (error instanceof StartupError) process.stderr.write(`${error.message}\n`);
  else console.error(error);
  process.exit(1);
}
