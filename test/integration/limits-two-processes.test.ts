import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../src/core/errors.js";
import { createLimiter } from "../../src/limits/create-limiter.js";
import { rulesForRequest, UTC_DAY_MS } from "../../src/limits/limit-rules.js";
import { DEFAULT_LIMITS_CONFIG, limitsPolicy } from "../../src/limits/limits-config.js";
import type { LimitsConfig } from "../../src/limits/limits-config.js";
import type { AdmitRequest, RateLimiter } from "../../src/limits/rate-limiter.js";
import { RATE_LIMIT_SCRIPT, encodeScriptInvocation } from "../../src/limits/redis/rate-limit-script.js";
import { NO_LIMITS } from "../../src/limits/settings/rate-limit-settings.js";
import { deleteKeysWithPrefix, openTestRedis, redisUrlForTests, uniqueKeyPrefix } from "../support/redis-for-tests.js";

/**
 * Rate limits hold across processes sharing Redis: two limiters in this process (each with its own
 * connection, as two gateway instances would have) and a separate Node process running the same Lua script
 * with the same keys all hammer one account's daily free quota at the same instant. Exactly the quota is
 * admitted in total.
 */
const redisUrl = await redisUrlForTests("limits-two-processes");
const prefix = uniqueKeyPrefix("limits-two-processes");
const HAMMER = fileURLToPath(new URL("../support/redis-limit-hammer.mjs", import.meta.url));
const connections: Redis[] = [];
const WORKERS = 4;

interface ChildRun {
  ready: Promise<void>;
  result: Promise<{ admitted: number; refused: number }>;
}

function runChild(job: Record<string, unknown>): ChildRun {
  const child = spawn(process.execPath, [HAMMER], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (stdout.includes('"ready":true')) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const result = new Promise<{ admitted: number; refused: number }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`hammer process exited with ${code}: ${stderr}`));
      const last = stdout.trim().split("\n").pop() ?? "{}";
      resolve(JSON.parse(last) as { admitted: number; refused: number });
    });
  });
  child.stdin.end(JSON.stringify(job));
  return { ready, result };
}

/**
 * Resolves at `epochMs`: a timer to just before it, then turns of the event loop, so a late timer on a busy
 * machine does not start this process's participants after the child's (which waits the same way).
 */
async function untilEpochMs(epochMs: number): Promise<void> {
  const early = epochMs - Date.now() - 5;
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
  while (Date.now() < epochMs) await new Promise((resolve) => setImmediate(resolve));
}

/** `count` admissions by `WORKERS` concurrent workers, so the three participants interleave for a while. */
async function hammer(limiter: RateLimiter, admit: AdmitRequest, count: number): Promise<number> {
  let admitted = 0;
  let left = count;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left -= 1;
      try {
        await limiter.admit(admit);
        admitted += 1;
      } catch (error) {
        if (!(error instanceof GatewayError && error.kind === "rate_limit_exceeded")) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return admitted;
}

describe.skipIf(redisUrl === undefined)("rate limits across two processes sharing Redis", () => {
  beforeAll(async () => {
    // The daily quota is a fixed UTC-day window: do not straddle midnight.
    const untilMidnight = UTC_DAY_MS - (Date.now() % UTC_DAY_MS);
    if (untilMidnight < 10_000) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 100));
  });

  afterAll(async () => {
    const cleaner = openTestRedis(redisUrl!);
    await deleteKeysWithPrefix(cleaner, prefix);
    cleaner.disconnect();
    for (const connection of connections) connection.disconnect();
  });

  const cases = [
    {
      name: "the daily free quota (fixed UTC-day window)",
      limit: 50,
      config: { FREE_MODEL_REQUESTS_PER_MINUTE: 100_000 },
      admit: { isFree: true, modelId: "google/gemma-3-27b-it:free" },
      settings: { key: NO_LIMITS, account: NO_LIMITS },
    },
    {
      name: "an operator's requests per minute on a key (sliding window)",
      limit: 30,
      config: {},
      admit: { isFree: false, modelId: "openai/gpt-4o" },
      settings: { key: { requestsPerMinute: 30, tokensPerMinute: null }, account: NO_LIMITS },
    },
  ];

  it.each(cases)("admits exactly $name in total: 2 limiters here + 1 child process, 100 requests each by 4 concurrent workers", async (testCase) => {
    // Stay clear of window edges: a minute's last 2 s, and (for the daily quota) the UTC midnight.
    while (Date.now() % 60_000 > 57_000) await new Promise((resolve) => setTimeout(resolve, 250));
    const config: LimitsConfig = { ...DEFAULT_LIMITS_CONFIG, ...testCase.config, RATE_LIMIT_KEY_PREFIX: `${prefix}${testCase.limit}:` };
    const admit: AdmitRequest = { accountId: "acct-global", keyHash: "key-global", purchasedTotal: 0n, ...testCase.admit };
    const settings = { forRequest: () => Promise.resolve(testCase.settings) };
    const [connection1, connection2] = [openTestRedis(redisUrl!), openTestRedis(redisUrl!)];
    connections.push(connection1, connection2);
    await Promise.all([connection1.ping(), connection2.ping()]);
    const first = createLimiter(config, { redis: connection1, settings });
    const second = createLimiter(config, { redis: connection2, settings });

    // The child receives exactly what the gateway sends: the exported script and the encoded rules.
    const { rules } = rulesForRequest(limitsPolicy(config), admit, testCase.settings);
    const { keys, args } = encodeScriptInvocation({ now: 0, mode: "admit", rules });
    const startAt = Date.now() + 1000;
    const child = runChild({ redisUrl, script: RATE_LIMIT_SCRIPT, keys, args, count: 100, workers: WORKERS, startAt });
    // Warm both limiters (connection, Lua script, compiled code) on counters of another account and key, so
    // their first measured call is not slower than the child's: a cold start let the child take every slot.
    const warmUp: AdmitRequest = { ...admit, accountId: "acct-warm-up", keyHash: "key-warm-up" };
    await Promise.all([first.admit(warmUp), second.admit(warmUp)]);
    await child.ready;
    await untilEpochMs(startAt);

    const [here1, here2, there] = await Promise.all([hammer(first, admit, 100), hammer(second, admit, 100), child.result]);
    console.info(`[limits-two-processes] ${testCase.name}: admitted by limiter 1 ${here1}, limiter 2 ${here2}, child process ${there.admitted}`);
    expect(here1 + here2 + there.admitted).toBe(testCase.limit);
    expect(there.admitted + there.refused).toBe(100);
    // They really competed: the slots went to more than one participant.
    expect([here1, here2, there.admitted].filter((admitted) => admitted > 0).length).toBeGreaterThanOrEqual(2);
    // And the limit stays spent for everyone.
    await expect(first.admit(admit)).rejects.toMatchObject({ kind: "rate_limit_exceeded" });
  });
});
