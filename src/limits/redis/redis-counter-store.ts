import type { Redis } from "ioredis";
import type { CounterStore } from "../counter-store.js";
import { RATE_LIMIT_SCRIPT, decodeScriptReply, encodeScriptInvocation } from "./rate-limit-script.js";

/** The name the script is registered under on the connection (ioredis sends EVALSHA, falling back to EVAL). */
const COMMAND_NAME = "gatewayRateLimit";

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/**
 * Counters in Redis, shared by every gateway instance on the same Redis: each check is one round trip
 * running {@link RATE_LIMIT_SCRIPT}. Keys of one check share the `{accountId}` hash tag, so the script also
 * runs on Redis Cluster.
 */
export function createRedisCounterStore(redis: Redis): CounterStore {
  if (!(COMMAND_NAME in redis)) redis.defineCommand(COMMAND_NAME, { lua: RATE_LIMIT_SCRIPT });
  const command = (redis as unknown as Record<string, ScriptCommand>)[COMMAND_NAME]!.bind(redis);
  return {
    kind: "redis",
    async apply(request) {
      if (request.rules.length === 0) return { admitted: true, results: [] };
      const { keys, args } = encodeScriptInvocation(request);
      const reply = await command(keys.length, ...keys, ...args);
      return decodeScriptReply(reply, request.rules.length);
    },
  };
}
