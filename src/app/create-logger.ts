import { pino, type DestinationStream, type Logger } from "pino";
import { PinoPretty } from "pino-pretty";
import type { Config } from "../config/config.js";

/**
 * The process's one logger. `LOG_FORMAT=json` (the default) writes a JSON object a line for log collectors;
 * `pretty` formats the same lines for a person at a terminal, in this thread (no worker thread to hold memory).
 * Authorization headers never reach a line: they are redacted wherever a request is serialised.
 */
export function createLogger(config: Pick<Config, "LOG_LEVEL" | "LOG_FORMAT">, destination?: DestinationStream): Logger {
  const options = { level: config.LOG_LEVEL, redact: { paths: ["req.headers.authorization", "req.headers[\"x-api-key\"]"], censor: "[redacted]" } };
  if (destination !== undefined) return pino(options, destination);
  if (config.LOG_FORMAT === "pretty") return pino(options, PinoPretty({ colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }));
  return pino(options);
}
