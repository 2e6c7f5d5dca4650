import type { Amount } from "../billing/money.js";
import { parseUsd } from "../billing/money.js";
import type { Database } from "../db/client.js";
import { endpoints, models, providers } from "../db/schema/index.js";
import type { EndpointRow, ModelRow, ProviderRow } from "../db/schema/index.js";
import { readCatalogRevision } from "./catalog-writer.js";

/** Endpoint prices as exact amounts (pico-dollars per token, per request, per image). */
export interface EndpointPricing {
  prompt: Amount;
  completion: Amount;
  request: Amount;
  image: Amount;
  inputCacheRead: Amount;
  inputCacheWrite: Amount;
  internalReasoning: Amount;
}

/**
 * How an endpoint is listed: `standard` backs `author/slug`, `free` backs `author/slug:free` (zero prices), and
 * the static variants `online` (web search built in), `thinking` (reasoning on by default) and `extended` (a
 * longer context) back `author/slug:<variant>` where the catalog lists such endpoints.
 */
export type EndpointVariant = "standard" | "free" | "online" | "thinking" | "extended";

/** The variants an endpoint can be stored as (the `endpoints.variant` column). */
export const ENDPOINT_VARIANTS: readonly EndpointVariant[] = ["standard", "free", "online", "thinking", "extended"];

/** The variant of a stored endpoint row; an unknown value (a newer catalog) reads as standard. */
export function toEndpointVariant(value: string): EndpointVariant {
  return (ENDPOINT_VARIANTS as readonly string[]).includes(value) ? (value as EndpointVariant) : "standard";
}

/** The id a listing is requested by: `author/slug` for standard endpoints, `author/slug:<variant>` otherwise. */
export function listedIdOf(modelId: string, variant: EndpointVariant): string {
  return variant === "standard" ? modelId : `${modelId}:${variant}`;
}

/** An endpoint as the hot path needs it: prices parsed once, provider name at hand. */
export interface SnapshotEndpoint {
  id: number;
  modelId: string;
  providerSlug: string;
  providerName: string;
  variant: EndpointVariant;
  providerModelId: string;
  pricing: EndpointPricing;
  contextLength: number;
  maxCompletionTokens: number | null;
  maxPromptTokens: number | null;
  quantization: string | null;
  supportedParameters: string[];
  status: number;
}

/** A model id as a caller writes it, split into the catalog model and its variant. */
export interface ResolvedModel {
  model: ModelRow;
  variant: EndpointVariant;
  /** The id to report back (`author/slug` or `author/slug:<variant>`). */
  listedId: string;
  endpoints: SnapshotEndpoint[];
}

/**
 * An immutable, in-memory copy of the catalog for the request hot path: resolving a model id to its
 * endpoints costs no database round trip. A new snapshot replaces the old one whenever the catalog revision
 * moves.
 */
export interface CatalogSnapshot {
  revision: number;
  loadedAt: Date;
  models: ReadonlyMap<string, ModelRow>;
  providers: ReadonlyMap<string, ProviderRow>;
  endpointsOf(modelId: string, variant: EndpointVariant): readonly SnapshotEndpoint[];
  /** Resolves `author/slug` or `author/slug:<variant>`; undefined when no such model or variant exists. */
  resolve(requestedId: string): ResolvedModel | undefined;
}

export function toEndpointPricing(row: EndpointRow): EndpointPricing {
  return {
    prompt: parseUsd(row.pricePrompt),
    completion: parseUsd(row.priceCompletion),
    request: parseUsd(row.priceRequest),
    image: parseUsd(row.priceImage),
    inputCacheRead: parseUsd(row.priceInputCacheRead),
    inputCacheWrite: parseUsd(row.priceInputCacheWrite),
    internalReasoning: parseUsd(row.priceInternalReasoning),
  };
}

/**
 * Splits a requested model id into base id and the variant whose endpoints it lists (`:free`, `:online`,
 * `:thinking`, `:extended`); `variant` is undefined for any other suffix (routing variants such as `:nitro` are
 * resolved by the router, see src/routing/resolve-requested-model.ts).
 */
export function splitVariant(requestedId: string): { baseId: string; variant: EndpointVariant | undefined; suffix: string | undefined } {
  const colon = requestedId.lastIndexOf(":");
  if (colon < 0) return { baseId: requestedId, variant: "standard", suffix: undefined };
  const suffix = requestedId.slice(colon + 1);
  const baseId = requestedId.slice(0, colon);
  const variant = suffix !== "standard" && (ENDPOINT_VARIANTS as readonly string[]).includes(suffix) ? (suffix as EndpointVariant) : undefined;
  return { baseId, variant, suffix };
}

export function buildSnapshot(input: {
  revision: number;
  models: ModelRow[];
  providers: ProviderRow[];
  endpoints: EndpointRow[];
}): CatalogSnapshot {
  const modelMap = new Map(input.models.map((row) => [row.id, row]));
  const providerMap = new Map(input.providers.map((row) => [row.slug, row]));
  const byModel = new Map<string, SnapshotEndpoint[]>();
  for (const row of input.endpoints) {
    const variant = toEndpointVariant(row.variant);
    const entry: SnapshotEndpoint = {
      id: row.id,
      modelId: row.modelId,
      providerSlug: row.providerSlug,
      providerName: providerMap.get(row.providerSlug)?.name ?? row.providerSlug,
      variant,
      providerModelId: row.providerModelId,
      pricing: toEndpointPricing(row),
      contextLength: row.contextLength,
      maxCompletionTokens: row.maxCompletionTokens,
      maxPromptTokens: row.maxPromptTokens,
      quantization: row.quantization,
      supportedParameters: row.supportedParameters,
      status: row.status,
    };
    const key = `${row.modelId}|${variant}`;
    const list = byModel.get(key) ?? [];
    list.push(entry);
    byModel.set(key, list);
  }
  const endpointsOf = (modelId: string, variant: EndpointVariant): readonly SnapshotEndpoint[] =>
    byModel.get(`${modelId}|${variant}`) ?? [];
  return {
    revision: input.revision,
    loadedAt: new Date(),
    models: modelMap,
    providers: providerMap,
    endpointsOf,
    resolve(requestedId) {
      const { baseId, variant } = splitVariant(requestedId);
      if (variant === undefined) return undefined;
      const model = modelMap.get(baseId);
      if (model === undefined) return undefined;
      const list = endpointsOf(baseId, variant);
      if (list.length === 0) return undefined;
      return { model, variant, listedId: listedIdOf(baseId, variant), endpoints: [...list] };
    },
  };
}

/** Reads the whole catalog (three statements) into a snapshot. */
export async function loadSnapshot(db: Database): Promise<CatalogSnapshot> {
  const revision = await readCatalogRevision(db);
  const [modelRows, providerRows, endpointRows] = await Promise.all([
    db.select().from(models),
    db.select().from(providers),
    db.select().from(endpoints),
  ]);
  return buildSnapshot({ revision, models: modelRows, providers: providerRows, endpoints: endpointRows });
}
