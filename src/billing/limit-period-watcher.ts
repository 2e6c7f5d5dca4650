import type { FastifyBaseLogger } from "fastify";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { apiKeys } from "../db/schema/index.js";
import type { LimitReset } from "../db/schema/index.js";
import type { AccountEventPublisher } from "../events/account-events.js";
import type { Clock } from "./clock.js";
import { nextLimitReset, periodStarts } from "./limit-periods.js";

/** A margin past midnight, so the timer never fires a hair early and finds the old period still current. */
const AFTER_BOUNDARY_MS = 50;

export interface LimitPeriodWatcher {
  /**
   * Announces `key_limit_reset` (reason `period`) for every limited key whose period rolled over between
   * `fromMs` and `toMs`; returns how many keys it announced. The timer calls it; tests call it with their times.
   */
  rollOver(fromMs: number, toMs: number): Promise<number>;
  start(): void;
  stop(): void;
}

/** Which reset periods started anew between two instants. */
export function rolledPeriods(fromMs: number, toMs: number): LimitReset[] {
  const before = periodStarts(fromMs);
  const after = periodStarts(toMs);
  const rolled: LimitReset[] = [];
  if (before.day !== after.day) rolled.push("daily");
  if (before.week !== after.week) rolled.push("weekly");
  if (before.month !== after.month) rolled.push("monthly");
  return rolled;
}

/**
 * Key limits start over at 00:00 UTC (daily), Monday (weekly) and the 1st (monthly) with no write anywhere:
 * the ledger counts spend per period. So the rollover is a clock fact, which each instance observes itself:
 * at every UTC midnight it finds the keys whose period just started over and tells its own subscribers
 * (`publishLocally`), so a subscriber hears it once however many instances run.
 */
export function createLimitPeriodWatcher(options: { db: Database; clock: Clock; events: AccountEventPublisher; logger?: FastifyBaseLogger }): LimitPeriodWatcher {
  let timer: NodeJS.Timeout | undefined;
  let last = options.clock.now();

  async function rollOver(fromMs: number, toMs: number): Promise<number> {
    const rolled = rolledPeriods(fromMs, toMs);
    if (rolled.length === 0) return 0;
    const keys = await options.db
      .select({ hash: apiKeys.hash, accountId: apiKeys.accountId, spendLimit: apiKeys.spendLimit, limitReset: apiKeys.limitReset })
      .from(apiKeys)
      .where(and(eq(apiKeys.kind, "api"), isNull(apiKeys.deletedAt), isNotNull(apiKeys.spendLimit), inArray(apiKeys.limitReset, rolled)));
    for (const key of keys) {
      if (key.accountId === null) continue;
      options.events.publishLocally({ type: "key_limit_reset", accountId: key.accountId, keyHash: key.hash, reason: "period", limit: key.spendLimit, limitReset: key.limitReset });
    }
    return keys.length;
  }

  function schedule(): void {
    const now = options.clock.now();
    const next = nextLimitReset("daily", now)?.getTime() ?? now + 86_400_000;
    timer = setTimeout(() => {
      const at = options.clock.now();
      rollOver(last, at)
        .catch((error: unknown) => options.logger?.warn({ err: error }, "key limit rollover could not be announced"))
        .finally(() => {
          last = at;
          if (timer !== undefined) schedule();
        });
    }, next - now + AFTER_BOUNDARY_MS);
    timer.unref();
  }

  return {
    rollOver,
    start() {
      if (timer !== undefined) return;
      last = options.clock.now();
      schedule();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
