import { Socket } from "node:net";
import { Redis } from "ioredis";

const LOCAL_REDIS = "redis://127.0.0.1:6379";

function answersOnLocalPort(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500);
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
    socket.connect(6379, "127.0.0.1");
  });
}

/**
 * The Redis tests should use: REDIS_URL when set, otherwise a Redis answering on 127.0.0.1:6379, otherwise
 * none, with the reason printed so a skipped Redis suite is visible in the output.
 */
export async function redisUrlForTests(suite: string): Promise<string | undefined> {
  const configured = process.env.REDIS_URL;
  if (configured !== undefined && configured !== "") return configured;
  if (await answersOnLocalPort()) return LOCAL_REDIS;
  console.warn(`[${suite}] skipped: REDIS_URL is not set and no Redis answers at 127.0.0.1:6379`);
  return undefined;
}

/** A connection for one test file; close it in afterAll. */
export function openTestRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A key prefix no other test run shares, so files and runs never see each other's counters. */
export function uniqueKeyPrefix(label: string): string {
  return `test:${label}:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
}

/** Deletes every key under a prefix (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
