import type { UsageRow } from "./queries.js";

/** Columns for a time-series chart: x in Unix seconds (one per day), one y column per series. */
export interface DaySeries {
  days: number[];
  names: string[];
  columns: Array<Array<number | null>>;
}

/** "2026-12-01" as Unix seconds at that day's UTC midnight. */
export function dayToSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

/** The UTC days ("YYYY-MM-DD") of the last `count` days, today last. */
export function lastDays(count: number, now: Date = new Date()): string[] {
  return Array.from({ length: count }, (_, index) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (count - 1 - index))).toISOString().slice(0, 10));
}

/**
 * Pivots usage rows (grouped by day and by `seriesOf`) into one column per series over `days` (the period
 * shown, so a chart's axis is the period even with one day of traffic) or, without it, every day present; a day
 * without a row reads as `missing` (0 for sums, null for a latency that was not measured).
 */
export function pivotByDay(rows: readonly UsageRow[], options: { seriesOf: (row: UsageRow) => string; valueOf: (row: UsageRow) => number | null; missing: number | null; days?: readonly string[] }): DaySeries {
  const dayNames = options.days === undefined ? [...new Set(rows.map((row) => row.day).filter((day): day is string => day !== null))].sort() : [...options.days];
  const names = [...new Set(rows.map(options.seriesOf))].sort();
  const dayIndex = new Map(dayNames.map((day, index) => [day, index]));
  const columns = names.map(() => dayNames.map(() => options.missing));
  const seriesIndex = new Map(names.map((name, index) => [name, index]));
  for (const row of rows) {
    if (row.day === null) continue;
    const column = columns[seriesIndex.get(options.seriesOf(row)) ?? -1];
    const index = dayIndex.get(row.day);
    if (column === undefined || index === undefined) continue;
    const value = options.valueOf(row);
    column[index] = value === null ? column[index] ?? null : (column[index] ?? 0) + value;
  }
  return { days: dayNames.map(dayToSeconds), names, columns };
}

/** A Decimal string as a number, for drawing only (money stays a string everywhere it is shown as text). */
export function decimalForChart(value: string): number {
  return Number(value);
}
