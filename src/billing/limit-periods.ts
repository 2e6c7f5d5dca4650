import type { LimitReset } from "../db/schema/index.js";

/**
 * Key spend-limit periods, as OpenRouter defines them: a day starts at 00:00 UTC, a week on Monday 00:00 UTC,
 * a month on the 1st at 00:00 UTC (https://openrouter.ai/docs/api-reference/limits). Periods are named by
 * their first day as an ISO date (`2026-03-02`), which is what `key_spend` stores.
 */
export interface PeriodStarts {
  day: string;
  week: string;
  month: string;
}

const DAY_MS = 86_400_000;

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The start of the current day, week (Monday) and month at `epochMs`, in UTC. */
export function periodStarts(epochMs: number): PeriodStarts {
  const dayStart = Math.floor(epochMs / DAY_MS) * DAY_MS;
  const weekday = new Date(dayStart).getUTCDay(); // 0 = Sunday
  const daysSinceMonday = (weekday + 6) % 7;
  const date = new Date(dayStart);
  return {
    day: isoDate(dayStart),
    week: isoDate(dayStart - daysSinceMonday * DAY_MS),
    month: isoDate(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)),
  };
}

/** When a key's limit next starts over, or null for a lifetime limit. */
export function nextLimitReset(reset: LimitReset | null, epochMs: number): Date | null {
  if (reset === null) return null;
  const dayStart = Math.floor(epochMs / DAY_MS) * DAY_MS;
  if (reset === "daily") return new Date(dayStart + DAY_MS);
  if (reset === "weekly") {
    const daysSinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
    return new Date(dayStart + (7 - daysSinceMonday) * DAY_MS);
  }
  const date = new Date(dayStart);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}
