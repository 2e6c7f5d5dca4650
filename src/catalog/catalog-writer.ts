import { eq, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.js";
import { catalogState, endpoints, models, providers } from "../db/schema/index.js";
import type { NewEndpointRow, NewModelRow, NewProviderRow } from "../db/schema/index.js";
import { parseUsd } from "../billing/money.js";
import type { CatalogEndpoint, CatalogFile, CatalogModel, CatalogProvider } from "./catalog-file.schema.js";

/** What applying a catalog did, so imports can say "nothing changed" on a second run. */
export interface CatalogChangeSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  /** The catalog revision after the change (unchanged when nothing changed). */
  revision: number;
}

function providerRow(provider: CatalogProvider): NewProviderRow {
  return {
    slug: provider.slug,
    name: provider.name,
    privacyPolicyUrl: provider.privacyPolicyUrl,
    termsOfServiceUrl: provider.termsOfServiceUrl,
    statusPageUrl: provider.statusPageUrl,
    headquarters: provider.headquarters,
    datacenters: provider.datacenters,
    dataPolicy: provider.dataPolicy,
  };
}

function modelRow(model: CatalogModel): NewModelRow {
  return {
    id: model.id,
    canonicalSlug: model.canonicalSlug,
    huggingFaceId: model.huggingFaceId,
    name: model.name,
    description: model.description,
    releasedAt: new Date(model.created * 1000),
    contextLength: model.contextLength,
    inputModalities: model.architecture.inputModalities,
    outputModalities: model.architecture.outputModalities,
    tokenizer: model.architecture.tokenizer,
    instructType: model.architecture.instructType,
    supportedParameters: model.supportedParameters,
    defaultParameters: model.defaultParameters,
    reasoning: model.reasoning,
    knowledgeCutoff: model.knowledgeCutoff,
  };
}

function endpointRow(modelId: string, endpoint: CatalogEndpoint): NewEndpointRow {
  return {
    modelId,
    providerSlug: endpoint.provider,
    variant: endpoint.variant,
    providerModelId: endpoint.providerModelId,
    pricePrompt: endpoint.pricing.prompt,
    priceCompletion: endpoint.pricing.completion,
    priceRequest: endpoint.pricing.request,
    priceImage: endpoint.pricing.image,
    priceInputCacheRead: endpoint.pricing.inputCacheRead,
    priceInputCacheWrite: endpoint.pricing.inputCacheWrite,
    priceInternalReasoning: endpoint.pricing.internalReasoning,
    contextLength: endpoint.contextLength,
    maxCompletionTokens: endpoint.maxCompletionTokens,
    maxPromptTokens: endpoint.maxPromptTokens,
    quantization: endpoint.quantization,
    supportedParameters: endpoint.supportedParameters,
    status: endpoint.status,
  };
}

const PRICE_COLUMNS = new Set([
  "pricePrompt",
  "priceCompletion",
  "priceRequest",
  "priceImage",
  "priceInputCacheRead",
  "priceInputCacheWrite",
  "priceInternalReasoning",
]);

/** JSON with object keys sorted: Postgres `jsonb` reorders keys, which must not count as a change. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Compares a wanted row with a stored one on the wanted row's fields; prices compare as exact amounts. */
function differs(wanted: Record<string, unknown>, stored: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(wanted)) {
    const current = stored[key];
    if (PRICE_COLUMNS.has(key)) {
      if (parseUsd(String(value ?? "0")) !== parseUsd(String(current ?? "0"))) return true;
    } else if (value instanceof Date && current instanceof Date) {
      if (value.getTime() !== current.getTime()) return true;
    } else if (canonicalJson(value) !== canonicalJson(current)) {
      return true;
    }
  }
  return false;
}

/** Bumps the catalog revision; every instance's poller sees it and reloads. */
export async function bumpCatalogRevision(tx: Database | Transaction): Promise<number> {
  const [row] = await tx
    .insert(catalogState)
    .values({ id: 1, revision: 1 })
    .onConflictDoUpdate({ target: catalogState.id, set: { revision: sql`${catalogState.revision} + 1`, changedAt: new Date() } })
    .returning({ revision: catalogState.revision });
  return row?.revision ?? 0;
}

/** The current catalog revision (0 before anything was ever written). */
export async function readCatalogRevision(db: Database): Promise<number> {
  const [row] = await db.select({ revision: catalogState.revision }).from(catalogState).where(eq(catalogState.id, 1));
  return row?.revision ?? 0;
}

/**
 * Upserts a whole catalog file (providers, models, endpoints) in one transaction. Idempotent: rows equal to
 * what is stored are left alone, so a second run reports everything unchanged and does not bump the
 * revision; a changed price updates the endpoint. Nothing is deleted: a catalog file adds and updates.
 */
export async function applyCatalog(db: Database, file: CatalogFile): Promise<CatalogChangeSummary> {
  return db.transaction(async (tx) => {
    const summary = { inserted: 0, updated: 0, unchanged: 0 };
    const storedProviders = new Map((await tx.select().from(providers)).map((row) => [row.slug, row]));
    for (const provider of file.providers) {
      const wanted = providerRow(provider);
      const stored = storedProviders.get(provider.slug);
      if (stored === undefined) {
        await tx.insert(providers).values(wanted);
        summary.inserted += 1;
      } else if (differs(wanted, stored)) {
        await tx.update(providers).set({ ...wanted, updatedAt: new Date() }).where(eq(providers.slug, provider.slug));
        summary.updated += 1;
      } else {
        summary.unchanged += 1;
      }
    }
    const storedModels = new Map((await tx.select().from(models)).map((row) => [row.id, row]));
    const storedEndpoints = new Map(
      (await tx.select().from(endpoints)).map((row) => [`${row.modelId}|${row.providerSlug}|${row.variant}`, row]),
    );
    for (const model of file.models) {
      const wantedModel = modelRow(model);
      const storedModel = storedModels.get(model.id);
      if (storedModel === undefined) {
        await tx.insert(models).values(wantedModel);
        summary.inserted += 1;
      } else if (differs(wantedModel, storedModel)) {
        await tx.update(models).set({ ...wantedModel, updatedAt: new Date() }).where(eq(models.id, model.id));
        summary.updated += 1;
      } else {
        summary.unchanged += 1;
      }
      for (const endpoint of model.endpoints) {
        const wanted = endpointRow(model.id, endpoint);
        const stored = storedEndpoints.get(`${model.id}|${endpoint.provider}|${endpoint.variant}`);
        if (stored === undefined) {
          await tx.insert(endpoints).values(wanted);
          summary.inserted += 1;
        } else if (differs(wanted, stored)) {
          await tx
            .update(endpoints)
            .set({ ...wanted, updatedAt: new Date() })
            .where(eq(endpoints.id, stored.id));
          summary.updated += 1;
        } else {
          summary.unchanged += 1;
        }
      }
    }
    const changed = summary.inserted + summary.updated > 0;
    const revision = changed ? await bumpCatalogRevision(tx) : await readCatalogRevision(tx as unknown as Database);
    return { ...summary, revision };
  });
}
