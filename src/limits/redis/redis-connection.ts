import { Redis } from "ioredis";

/**
 * Opens the gateway's Redis connection for rate limiting. A limit check must not hang a request while Redis
 * is away: commands fail after one reconnection attempt and a short timeout instead of queueing for long,
 * so a request then gets a 500 rather than waiting indefinitely.
 */
export function connectRedis(url: string, options: { commandTimeoutMs?: number } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    enableAutoPipelining: true,
    connectionName: "llm-gateway-limits",
  });
}
