import type { Redis } from "ioredis";
import type { FastifyBaseLogger } from "fastify";
import type { AttemptOutcome, EndpointHealth } from "./endpoint-health.js";
import { HealthCounts } from "./health-counts.js";
import { DAY_SERIES, isExpired } from "./health-series.js";
import { computeStats, fieldsFor, recentHealth } from "./health-view.js";
import { StatsCache } from "./in-process-health.js";

/**
 * Endpoint health shared by every instance on one Redis. Each instance buffers its own counts in memory
 * (recording does no I/O) and every `syncMs` adds them to Redis with HINCRBY (so instances' counts are merged,
 * never overwritten), then reads back everyone's. One hash per endpoint (`<prefix><endpointId>`) holds the
 * bucketed fields of health-series.ts; a set (`<prefix>endpoints`) names the endpoints with traffic. What this
 * instance shows is the last read plus what it has counted since.
 */
export function createRedisHealth(options: { redis: Redis; keyPrefix: string; syncMs: number; logger?: FastifyBaseLogger; clock?: () => number }): EndpointHealth {
  const { redis, keyPrefix } = options;
  const clock = options.clock ?? Date.now;
  const endpointsKey = `${keyPrefix}endpoints`;
  const keyOf = (endpointId: number): string => `${keyPrefix}${endpointId}`;
  /** Everyone's counts as last read. */
  let shared = new HealthCounts();
  /** Counted here, not yet sent. */
  let pending = new HealthCounts();
  /** Sent, not yet seen in a read. */
  let sending = new HealthCounts();
  const cache = new StatsCache(5_000);
  const read = (endpointId: number, field: string): number =>
    shared.get(endpointId, field) + pending.get(endpointId, field) + sending.get(endpointId, field);
  const fieldsOf = (endpointId: number): Set<string> =>
    new Set([...(shared.fieldsOf(endpointId)?.keys() ?? []), ...(pending.fieldsOf(endpointId)?.keys() ?? []), ...(sending.fieldsOf(endpointId)?.keys() ?? [])]);

  async function push(): Promise<void> {
    if (pending.size === 0) return;
    sending = pending;
    pending = new HealthCounts();
    const batch = redis.multi();
    const ttlMs = DAY_SERIES.retentionMs + DAY_SERIES.bucketMs;
    const ids: number[] = [];
    for (const endpointId of sending.endpointIds()) {
      ids.push(endpointId);
      for (const [field, delta] of sending.fieldsOf(endpointId) ?? []) batch.hincrby(keyOf(endpointId), field, delta);
      batch.pexpire(keyOf(endpointId), ttlMs);
    }
    batch.sadd(endpointsKey, ...ids.map(String));
    batch.pexpire(endpointsKey, ttlMs);
    try {
      const results = await batch.exec();
      if (results === null || results.some(([error]) => error !== null)) throw new Error("a health counter update failed");
    } catch (error) {
      // MULTI applies all or nothing: the counts go back to be sent with the next batch.
      for (const endpointId of sending.endpointIds()) for (const [field, delta] of sending.fieldsOf(endpointId) ?? []) pending.add(endpointId, field, delta);
      sending = new HealthCounts();
      throw error;
    }
  }

  async function pull(): Promise<void> {
    const now = clock();
    const ids = await redis.smembers(endpointsKey);
    const reads = redis.pipeline();
    for (const id of ids) reads.hgetall(keyOf(Number(id)));
    const results = (await reads.exec()) ?? [];
    const next = new HealthCounts();
    const prune = redis.pipeline();
    let stale = 0;
    results.forEach(([error, value], index) => {
      const endpointId = Number(ids[index]);
      if (error !== null || typeof value !== "object" || value === null) return;
      const fields = new Map<string, number>();
      for (const [field, text] of Object.entries(value as Record<string, string>)) {
        if (isExpired(field, now)) {
          prune.hdel(keyOf(endpointId), field);
          stale += 1;
        } else fields.set(field, Number(text));
      }
      next.replace(endpointId, fields);
    });
    if (stale > 0) await prune.exec();
    shared = next;
    sending = new HealthCounts();
    cache.invalidate();
  }

  let running: Promise<void> | undefined;
  function sync(): Promise<void> {
    running ??= (async () => {
      try {
        await push();
        await pull();
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const timer = setInterval(() => {
    sync().catch((error: unknown) => options.logger?.warn({ err: error }, "endpoint health could not be shared through Redis"));
  }, options.syncMs);
  timer.unref();

  return {
    record(outcome: AttemptOutcome) {
      for (const [field, delta] of fieldsFor(outcome)) pending.add(outcome.endpointId, field, delta);
      cache.invalidate(outcome.endpointId);
    },
    recent: (endpointId, now) => recentHealth(read, endpointId, now),
    stats: (endpointId, now) => cache.get(endpointId, now, () => computeStats({ read, endpointId, performanceFields: fieldsOf(endpointId), now })),
    sync,
    async close() {
      clearInterval(timer);
      await sync().catch((error: unknown) => options.logger?.warn({ err: error }, "endpoint health could not be shared through Redis"));
    },
  };
}
