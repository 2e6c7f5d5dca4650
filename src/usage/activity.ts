import { and, inArray } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { invalidRequest } from "../core/errors.js";
import type { Database } from "../db/client.js";
import { endpoints, models, providers } from "../db/schema/index.js";
import type { UsageFigures } from "./usage-query.js";
import { queryUsage } from "./usage-query.js";
import { scopeUsageFilter } from "./usage-filter.js";

const DAY_MS = 86_400_000;

/** OpenRouter's window: the last 30 completed UTC days (today, still running, is not one of them). */
export const ACTIVITY_DAYS = 30;

/** One row of `GET /api/v1/activity`: a date, a model and the endpoint that served it. */
export interface ActivityRow {
  figures: UsageFigures;
  date: string;
  model: string;
  modelPermaslug: string;
  endpointId: string;
  providerName: string;
}

/** [from, to) of the 30 completed UTC days before `now`, or of one of them when `date` is given. */
export function activityWindow(now: number, date: string | undefined): { from: Date; to: Date } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const first = today - ACTIVITY_DAYS * DAY_MS;
  if (date === undefined) return { from: new Date(first), to: new Date(today) };
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== date) throw invalidRequest("date must be a UTC date, YYYY-MM-DD", "date");
  if (day < first || day >= today) throw invalidRequest(`date must be one of the last ${ACTIVITY_DAYS} completed UTC days`, "date");
  return { from: new Date(day), to: new Date(day + DAY_MS) };
}

/** `author/slug:free` is the `free` variant of `author/slug`. */
function splitVariant(model: string): { modelId: string; variant: string } {
  return model.endsWith(":free") ? { modelId: model.slice(0, -":free".length), variant: "free" } : { modelId: model, variant: "standard" };
}

/**
 * Activity by date, model and endpoint from the daily rollup, for the caller's account (an operator: every
 * account, or `accountId`), optionally one key. Endpoint ids and names come from the catalog in two more
 * statements; a model or provider that left the catalog keeps its slug as the name and an empty endpoint id.
 */
export async function activityRows(
  db: Database,
  options: { principal: Principal; now: number; date?: string | undefined; keyHash?: string | undefined; accountId?: string | undefined },
): Promise<ActivityRow[]> {
  const window = activityWindow(options.now, options.date);
  const filter = scopeUsageFilter(options.principal, {
    from: window.from,
    to: window.to,
    accountId: options.accountId,
    keys: options.keyHash === undefined ? undefined : [options.keyHash],
  });
  const figures = await queryUsage(db, { filter, groupBy: ["day", "model", "provider"], latency: false });
  const modelIds = [...new Set(figures.map((row) => splitVariant(row.model ?? "").modelId))];
  const slugs = [...new Set(figures.map((row) => row.provider ?? ""))].filter((slug) => slug !== "");
  const [endpointRows, modelRows, providerRows] =
    modelIds.length === 0
      ? [[], [], []]
      : await Promise.all([
          db
            .select({ id: endpoints.id, modelId: endpoints.modelId, variant: endpoints.variant, providerSlug: endpoints.providerSlug })
            .from(endpoints)
            .where(and(inArray(endpoints.modelId, modelIds), slugs.length === 0 ? undefined : inArray(endpoints.providerSlug, slugs))),
          db.select({ id: models.id, canonicalSlug: models.canonicalSlug }).from(models).where(inArray(models.id, modelIds)),
          slugs.length === 0 ? [] : db.select({ slug: providers.slug, name: providers.name }).from(providers).where(inArray(providers.slug, slugs)),
        ]);
  const endpointId = new Map(endpointRows.map((row) => [`${row.modelId}\u0000${row.variant}\u0000${row.providerSlug}`, String(row.id)]));
  const permaslug = new Map(modelRows.map((row) => [row.id, row.canonicalSlug]));
  const providerName = new Map(providerRows.map((row) => [row.slug, row.name]));
  return figures.map((row) => {
    const model = row.model ?? "";
    const { modelId, variant } = splitVariant(model);
    const provider = row.provider ?? "";
    return {
      figures: row,
      date: row.day ?? "",
      model,
      modelPermaslug: permaslug.get(modelId) ?? modelId,
      endpointId: endpointId.get(`${modelId}\u0000${variant}\u0000${provider}`) ?? "",
      providerName: providerName.get(provider) ?? provider,
    };
  });
}

