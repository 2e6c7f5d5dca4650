import { z } from "zod";
import type { ListModelsOptions, ModelListFilter, ModelListSort } from "../../catalog/model-query.js";
import { SUPPORTED_PARAMETERS } from "../../catalog/catalog-file.schema.js";
import { invalidRequest } from "../../core/errors.js";

/**
 * Parses the query string of `GET /api/v1/models` (OpenRouter's parameters, see the `getModels` operation of
 * its OpenAPI file) into `listModels` options. Invalid values are refused with a 400 naming the parameter;
 * OpenRouter parameters we have no data for (`category`, `arch`, benchmark indices, `zdr`, `region`, RSS) are
 * ignored, so clients that send them still get the list.
 */

const INPUT_MODALITIES = ["text", "image", "file", "audio", "video"] as const;
const OUTPUT_MODALITIES = ["text", "image", "embeddings", "audio", "video", "rerank", "speech", "transcription"] as const;

/** OpenRouter's sort names we can honour, and the catalog order each maps to. */
const SORTS = {
  "pricing-low-to-high": "price_low_to_high",
  "pricing-high-to-low": "price_high_to_low",
  "context-high-to-low": "context_high_to_low",
  newest: "newest",
} as const satisfies Record<string, ModelListSort>;

/** The most `limit` may be, as on OpenRouter. */
export const MAX_MODELS_LIMIT = 1000;
/** `limit` when only `offset` is given. */
export const DEFAULT_MODELS_LIMIT = 500;

function commaList<T extends string>(allowed: readonly T[], what: string) {
  return z
    .string()
    .transform((text) => text.split(",").map((item) => item.trim()).filter((item) => item !== ""))
    .pipe(z.array(z.enum(allowed as readonly [T, ...T[]], { error: (issue) => `unknown ${what} "${String(issue.input)}"; expected one of ${allowed.join(", ")}` })));
}

const freeTextList = z.string().transform((text) => text.split(",").map((item) => item.trim()).filter((item) => item !== ""));

const integerText = (minimum: number, maximum: number = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().int().min(minimum, { error: `must be at least ${minimum}` }).max(maximum, { error: `must be at most ${maximum}` }));

/** Dollars per million tokens as a plain decimal ("0.5", "10"); exactness matters, so never parsed as a float. */
const dollarsPerMillion = z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, {
  error: "must be a non-negative decimal number of dollars per million tokens, such as 0.5",
});

const querySchema = z.object({
  supported_parameters: commaList(SUPPORTED_PARAMETERS, "parameter").optional(),
  input_modalities: commaList(INPUT_MODALITIES, "input modality").optional(),
  output_modalities: z
    .string()
    .transform((text) => text.trim())
    .pipe(z.union([z.literal("all"), commaList(OUTPUT_MODALITIES, "output modality")]))
    .optional(),
  q: z.string().max(200, { error: "must be at most 200 characters" }).optional(),
  context: integerText(1).optional(),
  min_price: dollarsPerMillion.optional(),
  max_price: dollarsPerMillion.optional(),
  max_output_price: dollarsPerMillion.optional(),
  model_authors: freeTextList.optional(),
  providers: freeTextList.optional(),
  sort: z
    .enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]], {
      error: (issue) => `unsupported sort "${String(issue.input)}"; this gateway sorts by ${Object.keys(SORTS).join(", ")}`,
    })
    .optional(),
  offset: integerText(0).optional(),
  limit: integerText(1, MAX_MODELS_LIMIT).optional(),
});

/**
 * Converts dollars per million tokens to dollars per token by moving the decimal point six places, exactly
 * ("0.5" → "0.0000005").
 */
export function perMillionToPerToken(text: string): string {
  const [whole = "0", fraction = ""] = text.split(".");
  const scale = fraction.length + 6;
  const digits = `${whole}${fraction}`.replace(/^0+/, "").padStart(scale + 1, "0");
  const integerPart = digits.slice(0, digits.length - scale);
  const fractionPart = digits.slice(digits.length - scale).replace(/0+$/, "");
  return fractionPart === "" ? integerPart : `${integerPart}.${fractionPart}`;
}

/** Parsed query: the list options, and whether the caller asked for a page (for `links.next`). */
export interface ModelsQuery {
  options: ListModelsOptions & { filter: ModelListFilter };
  paginated: boolean;
}

/**
 * Validates and converts the query. `providers` accepts slugs or display names (OpenRouter documents names
 * such as `OpenAI,Anthropic`); `resolveProvider` maps either to the catalog slug.
 *
 * @throws GatewayError `invalid_request` (400) naming the first invalid parameter.
 */
export function parseModelsQuery(query: unknown, resolveProvider: (nameOrSlug: string) => string): ModelsQuery {
  const result = querySchema.safeParse(query ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const parameter = String(issue?.path[0] ?? "query");
    const problem = issue?.code === "invalid_type" ? "must be given once, as a string" : (issue?.message ?? "is invalid");
    throw invalidRequest(`Invalid query parameter "${parameter}": ${problem}`, parameter);
  }
  const parsed = result.data;
  const filter: ModelListFilter = {};
  if (parsed.supported_parameters !== undefined) filter.supportedParameters = parsed.supported_parameters;
  if (parsed.input_modalities !== undefined) filter.inputModalities = parsed.input_modalities;
  // OpenRouter lists text models unless asked otherwise; `all` lifts the filter.
  const output = parsed.output_modalities ?? ["text"];
  if (output !== "all") filter.outputModalities = output;
  if (parsed.q !== undefined && parsed.q.trim() !== "") filter.search = parsed.q.trim();
  if (parsed.context !== undefined) filter.minContextLength = parsed.context;
  if (parsed.min_price !== undefined) filter.minPromptPrice = perMillionToPerToken(parsed.min_price);
  if (parsed.max_price !== undefined) filter.maxPromptPrice = perMillionToPerToken(parsed.max_price);
  if (parsed.max_output_price !== undefined) filter.maxCompletionPrice = perMillionToPerToken(parsed.max_output_price);
  if (parsed.model_authors !== undefined) filter.authors = parsed.model_authors.map((author) => author.toLowerCase());
  if (parsed.providers !== undefined) filter.providers = parsed.providers.map(resolveProvider);

  const paginated = parsed.offset !== undefined || parsed.limit !== undefined;
  const options: ModelsQuery["options"] = { filter };
  if (parsed.sort !== undefined) options.sort = SORTS[parsed.sort];
  if (paginated) {
    options.offset = parsed.offset ?? 0;
    options.limit = parsed.limit ?? DEFAULT_MODELS_LIMIT;
  }
  return { options, paginated };
}
