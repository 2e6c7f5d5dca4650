import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Database } from "../db/client.js";
import { providers as providersTable } from "../db/schema/index.js";
import type { ProviderRow } from "../db/schema/index.js";
import type {
  CatalogEndpoint,
  CatalogFile,
  CatalogModel,
  CatalogPricing,
  CatalogProvider,
  SupportedParameter,
} from "./catalog-file.schema.js";
import { SUPPORTED_PARAMETERS, catalogModelSchema, catalogPriceSchema, parseCatalogFile } from "./catalog-file.schema.js";
import type { CatalogChangeSummary } from "./catalog-writer.js";
import { applyCatalog } from "./catalog-writer.js";

/** The `:variant` suffixes imported as endpoints of that variant (see EndpointVariant). */
const IMPORTED_VARIANTS = ["free", "online", "thinking", "extended"] as const;

/**
 * Imports an OpenRouter-compatible `/models` listing (OpenRouter's own, or any gateway that copies its shape;
 * see the `Model` schema of https://openrouter.ai/openapi.yaml) into the catalog: every listed model becomes
 * an endpoint served by one provider (by default `openrouter` itself, i.e. "reach these models through
 * OpenRouter"), and `author/slug:free` entries become free endpoints of `author/slug`. The result is an
 * ordinary catalog file handed to `applyCatalog`, so an import is idempotent exactly as the shipped catalog is.
 */

/** The provider record used when importing OpenRouter's own listing (the default `--provider`). */
export const OPENROUTER_PROVIDER: CatalogProvider = {
  slug: "openrouter",
  name: "OpenRouter",
  privacyPolicyUrl: "https://openrouter.ai/privacy",
  termsOfServiceUrl: "https://openrouter.ai/terms",
  statusPageUrl: "https://status.openrouter.ai",
  headquarters: "US",
  datacenters: ["US"],
  // OpenRouter does not store prompts unless the account opts in to logging; upstream policies vary per endpoint.
  dataPolicy: { training: false, retainsPrompts: false, retentionDays: null },
};

// The listing, read leniently: only the fields we use, each optional where OpenRouter allows it. Unknown
// enum values (a new tokenizer, a new parameter) are plain strings here and dropped or mapped below.
const priceText = z.union([z.string(), z.number().transform(String)]);
const listedModelSchema = z.object({
  id: z.string().min(1),
  canonical_slug: z.string().nullish(),
  hugging_face_id: z.string().nullish(),
  name: z.string().min(1),
  created: z.number(),
  description: z.string().nullish(),
  context_length: z.number().nullish(),
  architecture: z.object({
    input_modalities: z.array(z.string()).nullish(),
    output_modalities: z.array(z.string()).nullish(),
    tokenizer: z.string().nullish(),
    instruct_type: z.string().nullish(),
  }),
  pricing: z.object({
    prompt: priceText,
    completion: priceText,
    request: priceText.nullish(),
    image: priceText.nullish(),
    input_cache_read: priceText.nullish(),
    input_cache_write: priceText.nullish(),
    internal_reasoning: priceText.nullish(),
  }),
  top_provider: z.object({ context_length: z.number().nullish(), max_completion_tokens: z.number().nullish() }).nullish(),
  per_request_limits: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
  supported_parameters: z.array(z.string()).nullish(),
  default_parameters: z.record(z.string(), z.number().nullable()).nullish(),
  reasoning: z
    .object({
      mandatory: z.boolean().nullish(),
      supported_efforts: z.array(z.string()).nullish(),
      default_effort: z.string().nullish(),
      supports_max_tokens: z.boolean().nullish(),
    })
    .nullish(),
  knowledge_cutoff: z.string().nullish(),
});
const listingSchema = z.object({ data: z.array(z.unknown()) });

type ListedModel = z.infer<typeof listedModelSchema>;

/** Thrown when the input is not a `/models` listing at all (not JSON, no `data` array, an HTTP error). */
export class OpenRouterListingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OpenRouterListingError";
  }
}

const TOKENIZERS = new Set(catalogModelSchema.shape.architecture.shape.tokenizer.options);
const INSTRUCT_TYPES = new Set<string>(catalogModelSchema.shape.architecture.shape.instructType.unwrap().options);
const INPUT_MODALITIES = new Set<string>(catalogModelSchema.shape.architecture.shape.inputModalities.element.options);
const OUTPUT_MODALITIES = new Set<string>(catalogModelSchema.shape.architecture.shape.outputModalities.element.options);
const EFFORTS = new Set(["max", "xhigh", "high", "medium", "low", "minimal", "none"]);
const PARAMETERS = new Set<string>(SUPPORTED_PARAMETERS);

/** A catalog price from a listed one: exact decimal strings only; `undefined` when not representable. */
function exactPrice(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null || value === "") return "0";
  const text = value.trim().replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return catalogPriceSchema.safeParse(text).success ? text : undefined;
}

function positiveInteger(value: number | null | undefined): number | null {
  return value !== undefined && value !== null && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * Postgres stores `jsonb` objects with their keys reordered (shorter keys first); building them in that order
 * lets `applyCatalog`'s comparison of wanted and stored rows see an unchanged object as unchanged.
 */
function inJsonbKeyOrder<T extends object>(value: T): T {
  const entries = Object.entries(value).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries) as T;
}

/** Applies {@link inJsonbKeyOrder} to the file's jsonb-stored objects (after validation, which rebuilds objects). */
function inJsonbKeyOrderDeep(file: CatalogFile): CatalogFile {
  return {
    ...file,
    providers: file.providers.map((provider) => ({ ...provider, dataPolicy: inJsonbKeyOrder(provider.dataPolicy) })),
    models: file.models.map((model) => ({
      ...model,
      defaultParameters: model.defaultParameters === null ? null : inJsonbKeyOrder(model.defaultParameters),
      reasoning: model.reasoning === null ? null : inJsonbKeyOrder(model.reasoning),
    })),
  };
}

function convertDefaults(listed: ListedModel): CatalogModel["defaultParameters"] {
  const given = listed.default_parameters;
  if (given === undefined || given === null) return null;
  const pick = (key: string): number | null => given[key] ?? null;
  const defaults = {
    temperature: pick("temperature"),
    topP: pick("top_p"),
    topK: pick("top_k"),
    frequencyPenalty: pick("frequency_penalty"),
    presencePenalty: pick("presence_penalty"),
    repetitionPenalty: pick("repetition_penalty"),
  };
  return Object.values(defaults).every((value) => value === null) ? null : defaults;
}

function convertReasoning(listed: ListedModel): CatalogModel["reasoning"] {
  const given = listed.reasoning;
  if (given === undefined || given === null) return null;
  const efforts = given.supported_efforts?.filter((effort) => EFFORTS.has(effort)) ?? null;
  const supportedEfforts = (efforts !== null && efforts.length > 0 ? efforts : null) as NonNullable<CatalogModel["reasoning"]>["supportedEfforts"];
  const defaultEffort = given.default_effort ?? null;
  const usableDefault =
    defaultEffort !== null && EFFORTS.has(defaultEffort) && (supportedEfforts === null || (supportedEfforts as string[]).includes(defaultEffort));
  return {
    mandatory: given.mandatory ?? false,
    supportedEfforts,
    defaultEffort: (usableDefault ? defaultEffort : null) as NonNullable<CatalogModel["reasoning"]>["defaultEffort"],
    supportsMaxTokens: given.supports_max_tokens ?? false,
  };
}

/** Splits `author/slug:variant`; a listing id carries at most one variant suffix. */
function splitListedId(id: string): { baseId: string; suffix: string | undefined } {
  const colon = id.indexOf(":");
  return colon < 0 ? { baseId: id, suffix: undefined } : { baseId: id.slice(0, colon), suffix: id.slice(colon + 1) };
}

/** Options of {@link convertOpenRouterListing}. */
export interface ConvertListingOptions {
  /** The provider every imported endpoint is served by; its record must be given (see {@link OPENROUTER_PROVIDER}). */
  provider: CatalogProvider;
}

/** A catalog file built from a listing, and what could not be imported and why. */
export interface ConvertedListing {
  file: CatalogFile;
  /** One line per skipped entry or dropped value, naming the model. */
  warnings: string[];
}

/**
 * Converts a parsed `/models` listing into a catalog file whose every endpoint is served by `options.provider`.
 * Entries the catalog cannot represent are skipped with a warning rather than failing the import: router
 * models priced `"-1"` (dynamic), prices that are not exact decimals of at most 12 places, variants other
 * than `:free`, ids that are not `author/slug`, `:free` entries that are not free.
 *
 * @throws OpenRouterListingError when the input has no `data` array.
 */
export function convertOpenRouterListing(listing: unknown, options: ConvertListingOptions): ConvertedListing {
  const parsedListing = listingSchema.safeParse(listing);
  if (!parsedListing.success) throw new OpenRouterListingError('Not a /models listing: expected a JSON object with a "data" array');
  // Kept with the entry's position, so warnings read in listing order although base models are handled first.
  const warnings: Array<{ index: number; text: string }> = [];
  const providerSlug = options.provider.slug;
  // Base models first, so a `:free` entry joins the model its standard entry describes.
  const entries = parsedListing.data.data
    .map((raw, index) => ({ raw, index, parsed: listedModelSchema.safeParse(raw) }))
    .sort((a, b) => Number(a.parsed.success && a.parsed.data.id.includes(":")) - Number(b.parsed.success && b.parsed.data.id.includes(":")));
  const byId = new Map<string, CatalogModel>();

  for (const { raw, index, parsed } of entries) {
    if (!parsed.success) {
      const id = typeof raw === "object" && raw !== null && "id" in raw ? String(raw.id) : `data[${index}]`;
      warnings.push({ index, text: `${id}: skipped, not a model object (${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".") ?? "?"})` });
      continue;
    }
    const listed = parsed.data;
    const skip = (reason: string) => warnings.push({ index, text: `${listed.id}: skipped, ${reason}` });
    const { baseId, suffix } = splitListedId(listed.id);
    // Listed variants become endpoints of the base model under that variant; routing variants (:nitro,
    // :floor) are never listed, and others (:beta, :exacto) have no catalog equivalent.
    const variant = suffix === undefined ? "standard" : IMPORTED_VARIANTS.find((known) => known === suffix);
    if (variant === undefined) {
      skip(`the ":${suffix ?? ""}" variant has no catalog equivalent`);
      continue;
    }
    if (listed.pricing.prompt === "-1" || listed.pricing.completion === "-1") {
      skip('router price "-1" (dynamic pricing) cannot be billed from a catalog');
      continue;
    }
    const pricing: Partial<CatalogPricing> = {
      prompt: exactPrice(listed.pricing.prompt),
      completion: exactPrice(listed.pricing.completion),
      request: exactPrice(listed.pricing.request),
      image: exactPrice(listed.pricing.image),
      inputCacheRead: exactPrice(listed.pricing.input_cache_read),
      inputCacheWrite: exactPrice(listed.pricing.input_cache_write),
      internalReasoning: exactPrice(listed.pricing.internal_reasoning),
    };
    const badPrice = Object.entries(pricing).find(([, value]) => value === undefined);
    if (badPrice !== undefined) {
      skip(`price ${badPrice[0]} is not an exact non-negative decimal of at most 12 places`);
      continue;
    }
    if (variant === "free" && Object.values(pricing).some((value) => value !== "0")) {
      skip('a ":free" entry must cost nothing');
      continue;
    }

    const inputModalities = (listed.architecture.input_modalities ?? ["text"]).filter((modality) => INPUT_MODALITIES.has(modality));
    const outputModalities = (listed.architecture.output_modalities ?? ["text"]).filter((modality) => OUTPUT_MODALITIES.has(modality));
    const supportedParameters = (listed.supported_parameters ?? []).filter((parameter) => PARAMETERS.has(parameter)) as SupportedParameter[];
    const dropped = (listed.supported_parameters ?? []).filter((parameter) => !PARAMETERS.has(parameter));
    if (dropped.length > 0) warnings.push({ index, text: `${listed.id}: dropped unknown supported parameters ${dropped.join(", ")}` });
    const endpointContext = positiveInteger(listed.top_provider?.context_length) ?? positiveInteger(listed.context_length);
    if (endpointContext === null) {
      skip("no context length");
      continue;
    }
    const maxCompletion = positiveInteger(listed.top_provider?.max_completion_tokens);
    const endpoint: CatalogEndpoint = {
      provider: providerSlug,
      // The id the provider's API expects: OpenRouter routes `author/slug:free` to its free endpoints.
      providerModelId: listed.id,
      variant,
      pricing: pricing as CatalogPricing,
      contextLength: endpointContext,
      maxCompletionTokens: maxCompletion !== null && maxCompletion <= endpointContext ? maxCompletion : null,
      maxPromptTokens: positiveInteger(listed.per_request_limits?.prompt_tokens),
      quantization: null,
      supportedParameters: [...new Set(supportedParameters)],
      status: 0,
    };

    const existing = byId.get(baseId);
    if (existing !== undefined) {
      existing.endpoints.push(endpoint);
      existing.contextLength = Math.max(existing.contextLength, endpointContext);
      continue;
    }
    const tokenizer = listed.architecture.tokenizer ?? "Other";
    const instructType = listed.architecture.instruct_type ?? null;
    const canonicalSlug = splitListedId(listed.canonical_slug ?? baseId).baseId;
    const name = variant === "standard" ? listed.name : listed.name.replace(new RegExp(`\\s*\\(${variant}\\)\\s*$`, "i"), "");
    const candidate = {
      id: baseId,
      canonicalSlug: /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/.test(canonicalSlug) ? canonicalSlug : baseId,
      huggingFaceId: listed.hugging_face_id !== undefined && listed.hugging_face_id !== null && listed.hugging_face_id !== "" ? listed.hugging_face_id : null,
      name,
      description: listed.description !== undefined && listed.description !== null && listed.description.trim() !== "" ? listed.description : name,
      created: Math.trunc(listed.created),
      contextLength: Math.max(positiveInteger(listed.context_length) ?? 0, endpointContext),
      architecture: {
        inputModalities,
        outputModalities,
        tokenizer: TOKENIZERS.has(tokenizer as never) ? tokenizer : "Other",
        instructType: instructType !== null && INSTRUCT_TYPES.has(instructType) ? instructType : null,
      },
      supportedParameters: [...new Set(supportedParameters)],
      defaultParameters: convertDefaults(listed),
      reasoning: convertReasoning(listed),
      knowledgeCutoff: /^\d{4}-\d{2}-\d{2}/.test(listed.knowledge_cutoff ?? "") ? (listed.knowledge_cutoff ?? "").slice(0, 10) : null,
      endpoints: [endpoint],
    };
    const model = catalogModelSchema.safeParse(candidate);
    if (!model.success) {
      const issue = model.error.issues[0];
      skip(`${issue?.path.join(".") ?? "model"}: ${issue?.message ?? "invalid"}`);
      continue;
    }
    byId.set(baseId, model.data);
  }

  const messages = warnings.sort((a, b) => a.index - b.index).map((warning) => warning.text);
  const models = [...byId.values()];
  if (models.length === 0) throw new OpenRouterListingError(`Nothing to import: no entry of the listing could be converted${messages.length > 0 ? ` (${messages[0]})` : ""}`);
  return { file: inJsonbKeyOrderDeep(parseCatalogFile({ version: 1, providers: [options.provider], models })), warnings: messages };
}

/** Reads a listing from an `http(s)://` URL (with the injected fetch) or a file path. */
export async function readOpenRouterListing(source: string, fetchListing: typeof fetch = fetch): Promise<unknown> {
  let text: string;
  if (/^https?:\/\//i.test(source)) {
    const response = await fetchListing(source, { headers: { accept: "application/json" } }).catch((error: unknown) => {
      throw new OpenRouterListingError(`Cannot fetch ${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    if (!response.ok) throw new OpenRouterListingError(`Cannot fetch ${source}: HTTP ${response.status}`);
    text = await response.text();
  } else {
    text = await readFile(source, "utf8").catch((error: unknown) => {
      throw new OpenRouterListingError(`Cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OpenRouterListingError(`${source} is not JSON`, { cause: error });
  }
}

/** A stored provider as a catalog-file record, so a listing can be imported under a provider the catalog already has. */
function providerRecord(row: ProviderRow): CatalogProvider {
  if (row.privacyPolicyUrl === null || row.termsOfServiceUrl === null) {
    throw new OpenRouterListingError(`Provider ${row.slug} lacks a privacy policy or terms URL, which catalog providers need`);
  }
  return {
    slug: row.slug,
    name: row.name,
    privacyPolicyUrl: row.privacyPolicyUrl,
    termsOfServiceUrl: row.termsOfServiceUrl,
    statusPageUrl: row.statusPageUrl,
    headquarters: row.headquarters,
    datacenters: [...row.datacenters],
    dataPolicy: row.dataPolicy,
  };
}

/** Options of {@link importOpenRouterListing}. */
export interface ImportListingOptions {
  /** A URL or file path of a `/models` listing. */
  source: string;
  /** Provider slug the endpoints are served by: `openrouter` (default, record supplied) or one already in the catalog. */
  provider?: string;
  fetch?: typeof fetch;
}

/** What an import did. */
export interface ImportListingResult {
  summary: CatalogChangeSummary;
  /** Models imported (base models; their `:free` variants are endpoints of these). */
  modelCount: number;
  warnings: string[];
}

/**
 * Reads, converts and applies a listing in one transaction (`applyCatalog`). A second import of the same
 * listing changes nothing; a changed price updates that endpoint and bumps the catalog revision, which every
 * running gateway notices on its next poll.
 */
export async function importOpenRouterListing(db: Database, options: ImportListingOptions): Promise<ImportListingResult> {
  const providerSlug = options.provider ?? OPENROUTER_PROVIDER.slug;
  let provider: CatalogProvider;
  if (providerSlug === OPENROUTER_PROVIDER.slug) provider = OPENROUTER_PROVIDER;
  else {
    const stored = (await db.select().from(providersTable)).find((row) => row.slug === providerSlug);
    if (stored === undefined) throw new OpenRouterListingError(`Unknown provider "${providerSlug}": import under "openrouter" or a provider already in the catalog`);
    provider = providerRecord(stored);
  }
  const listing = await readOpenRouterListing(options.source, options.fetch);
  const { file, warnings } = convertOpenRouterListing(listing, { provider });
  const summary = await applyCatalog(db, file);
  return { summary, modelCount: file.models.length, warnings };
}
