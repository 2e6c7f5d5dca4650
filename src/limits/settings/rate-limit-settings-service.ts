import { and, eq, or, sql } from "drizzle-orm";
import { invalidRequest } from "../../core/errors.js";
import type { Database } from "../../db/client.js";
import { rateLimitSettings } from "../../db/schema/rate-limit-settings.js";
import type { RateLimitSettingsRow } from "../../db/schema/rate-limit-settings.js";
import type { Clock } from "../clock.js";
import { systemClock } from "../clock.js";
import type { LimitSettingsSource, RateLimitScope, RateLimitSettings, RateLimitValues, RequestLimitSettings } from "./rate-limit-settings.js";
import { NO_LIMITS } from "./rate-limit-settings.js";
import { BoundedMap } from "../../cache/bounded-map.js";

/** One subject of a limit: an account id or a key's hash. */
export interface RateLimitSubject {
  scope: RateLimitScope;
  subjectId: string;
}

/** A change: `undefined` keeps a value, `null` removes the limit, a positive integer sets it. */
export interface SetRateLimitsInput extends RateLimitSubject {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

/**
 * Per-key and per-account requests-per-minute and tokens-per-minute limits, persisted for operators and
 * cached for the hot path. A change made through this instance applies here at once; other instances pick it
 * up when their cache entry expires (`RATE_LIMIT_SETTINGS_CACHE_MS`, 5 s by default).
 */
export interface RateLimitSettingsService extends LimitSettingsSource {
  /** The stored settings (nulls when none), read from the database. */
  get(subject: RateLimitSubject): Promise<RateLimitSettings>;
  /** Several at once, in the order asked (DataLoader batch function). */
  getMany(subjects: readonly RateLimitSubject[]): Promise<RateLimitSettings[]>;
  set(input: SetRateLimitsInput): Promise<RateLimitSettings>;
}

export interface RateLimitSettingsServiceOptions {
  db: Database;
  cacheMs: number;
  clock?: Clock;
  /** Upper bound on cached subjects; the oldest entries go first. */
  maxCached?: number;
}

function cacheKey(subject: RateLimitSubject): string {
  return `${subject.scope}:${subject.subjectId}`;
}

function fromRow(subject: RateLimitSubject, row: RateLimitSettingsRow | undefined): RateLimitSettings {
  return {
    scope: subject.scope,
    subjectId: subject.subjectId,
    requestsPerMinute: row?.requestsPerMinute ?? null,
    tokensPerMinute: row?.tokensPerMinute ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

function validLimit(value: number | null | undefined, field: string): void {
  if (value === undefined || value === null) return;
  if (!Number.isSafeInteger(value) || value < 1 || value > 2_147_483_647) {
    throw invalidRequest(`${field} must be a positive integer (at most 2147483647) or null`, field);
  }
}

export function createRateLimitSettingsService(options: RateLimitSettingsServiceOptions): RateLimitSettingsService {
  const { db, cacheMs } = options;
  const clock = options.clock ?? systemClock;
  const maxCached = options.maxCached ?? 50_000;
  const cache = new BoundedMap<string, { values: RateLimitValues; expiresAt: number }>(maxCached);
  const loading = new Map<string, Promise<RateLimitValues>>();
  /** Bumped by every `set`, so a read that raced a write does not cache the old values. */
  let writes = 0;

  async function getMany(subjects: readonly RateLimitSubject[]): Promise<RateLimitSettings[]> {
    if (subjects.length === 0) return [];
    const rows = await db
      .select()
      .from(rateLimitSettings)
      .where(or(...subjects.map((subject) => and(eq(rateLimitSettings.scope, subject.scope), eq(rateLimitSettings.subjectId, subject.subjectId)))));
    const byKey = new Map(rows.map((row) => [cacheKey({ scope: row.scope as RateLimitScope, subjectId: row.subjectId }), row]));
    return subjects.map((subject) => fromRow(subject, byKey.get(cacheKey(subject))));
  }

  function remember(subject: RateLimitSubject, values: RateLimitValues): void {
    if (cacheMs === 0) return;
    cache.set(cacheKey(subject), { values, expiresAt: clock.now() + cacheMs });
  }

  /** Cached values, loading the missing ones in one query; concurrent misses of a subject share it. */
  async function cachedValues(subjects: RateLimitSubject[]): Promise<RateLimitValues[]> {
    const now = clock.now();
    const answers: Array<RateLimitValues | Promise<RateLimitValues> | undefined> = [];
    let allCached = true;
    for (const subject of subjects) {
      const key = cacheKey(subject);
      const hit = cache.get(key);
      if (hit !== undefined && hit.expiresAt > now) {
        answers.push(hit.values);
      } else {
        answers.push(loading.get(key));
        allCached = false;
      }
    }
    // The hot path: every subject cached, nothing to wait for.
    if (allCached) return answers as RateLimitValues[];
    const missing = subjects.flatMap((subject, index) => (answers[index] === undefined ? [{ subject, index }] : []));
    if (missing.length > 0) {
      const writesAtStart = writes;
      const batch = getMany(missing.map((entry) => entry.subject));
      for (const [position, { subject, index }] of missing.entries()) {
        const key = cacheKey(subject);
        const promise = batch.then((settings) => {
          const values = { requestsPerMinute: settings[position]!.requestsPerMinute, tokensPerMinute: settings[position]!.tokensPerMinute };
          // A `set` that finished while this read was in flight knows better than the read.
          if (writes === writesAtStart) remember(subject, values);
          return values;
        });
        loading.set(key, promise);
        promise.then(
          () => loading.delete(key),
          () => loading.delete(key),
        );
        answers[index] = promise;
      }
    }
    return Promise.all(answers.map((answer) => answer ?? NO_LIMITS));
  }

  return {
    get: async (subject) => (await getMany([subject]))[0]!,
    getMany,
    async set(input) {
      validLimit(input.requestsPerMinute, "requestsPerMinute");
      validLimit(input.tokensPerMinute, "tokensPerMinute");
      const changes: Partial<Pick<RateLimitSettingsRow, "requestsPerMinute" | "tokensPerMinute">> = {};
      if (input.requestsPerMinute !== undefined) changes.requestsPerMinute = input.requestsPerMinute;
      if (input.tokensPerMinute !== undefined) changes.tokensPerMinute = input.tokensPerMinute;
      const [row] = await db
        .insert(rateLimitSettings)
        .values({ scope: input.scope, subjectId: input.subjectId, requestsPerMinute: null, tokensPerMinute: null, ...changes })
        .onConflictDoUpdate({
          target: [rateLimitSettings.scope, rateLimitSettings.subjectId],
          set: { ...changes, updatedAt: sql`now()` },
        })
        .returning();
      const settings = fromRow(input, row);
      writes += 1;
      remember(input, { requestsPerMinute: settings.requestsPerMinute, tokensPerMinute: settings.tokensPerMinute });
      return settings;
    },
    async forRequest(accountId, keyHash): Promise<RequestLimitSettings> {
      const [key, account] = await cachedValues([
        { scope: "key", subjectId: keyHash },
        { scope: "account", subjectId: accountId },
      ]);
      return { key: key!, account: account! };
    },
  };
}
