import { invalidRequest } from "../core/errors.js";

/**
 * What a caller may ask of the model list, shared by GraphQL `models(filter, sort)` and REST `GET /api/v1/models`.
 * Each face parses its own syntax (GraphQL input type, OpenRouter query string) into these two values, and
 * `listModels` (`model-query.ts`) turns them into SQL. Every field is optional; absent or empty means "no
 * constraint", and all given constraints must hold together (AND).
 */
export interface ModelListFilter {
  /**
   * Provider slugs (`groq`, `together`): listings with at least one endpoint of their variant served by any of
   * them. The listing's top (cheapest) endpoint is still chosen among all its endpoints, so prices stay the
   * listing's own and do not change with the filter.
   */
  providers?: readonly string[];
  /** Authors, the part of the id before `/` (`openai`, `meta-llama`): any of them. */
  authors?: readonly string[];
  /** Input modalities the model must accept, all of them (`["text", "image"]` = vision models). */
  inputModalities?: readonly string[];
  /** Output modalities, any of them (`["image", "audio"]` = models producing images or audio). */
  outputModalities?: readonly string[];
  /** Case-insensitive substring of the listed id (`author/slug[:free]`), the name or the description. */
  search?: string;
  /** Lowest top-endpoint prompt price, USD per token as an exact decimal string (`"0.0000001"`). */
  minPromptPrice?: string;
  /** Highest top-endpoint prompt price, USD per token as an exact decimal string (`"0.0000025"`). */
  maxPromptPrice?: string;
  /** Highest top-endpoint completion price, USD per token as an exact decimal string. */
  maxCompletionPrice?: string;
  /** Smallest acceptable context length of the listing (its longest endpoint context), in tokens. */
  minContextLength?: number;
  /** Request parameters the model must support, all of them (`["tools", "response_format"]`). */
  supportedParameters?: readonly string[];
  /** Only `:free` listings. */
  freeOnly?: boolean;
}

/**
 * Orders of the model list. Each is completed by the listed id ascending, so equal keys (same price, same
 * context) still come back in one deterministic order and offset pagination never skips or repeats a row.
 * - `price_low_to_high` / `price_high_to_low`: top endpoint's prompt + completion price per token.
 * - `context_high_to_low`: the listing's context length.
 * - `newest`: the model's release date, latest first (the default, as on OpenRouter's list).
 * - `name`: the display name, A to Z.
 */
export const MODEL_LIST_SORTS = ["price_low_to_high", "price_high_to_low", "context_high_to_low", "newest", "name"] as const;

export type ModelListSort = (typeof MODEL_LIST_SORTS)[number];

export const DEFAULT_MODEL_LIST_SORT: ModelListSort = "newest";

/** A non-negative plain decimal: what prices look like in the catalog and what SQL can cast to numeric. */
const PRICE_PATTERN = /^\d{1,18}(\.\d{1,18})?$/;

const PRICE_FIELDS = ["minPromptPrice", "maxPromptPrice", "maxCompletionPrice"] as const;

/**
 * Checks the parts of a filter that SQL would otherwise reject with an internal error (malformed decimals,
 * negative lengths), throwing a 400 / BAD_USER_INPUT that names the field. `listModels` calls it; faces may
 * call it earlier to fail before any other work.
 */
export function assertValidModelFilter(filter: ModelListFilter): void {
  for (const field of PRICE_FIELDS) {
    const value = filter[field];
    if (value !== undefined && !PRICE_PATTERN.test(value)) {
      throw invalidRequest(`${field} must be a non-negative decimal string of USD per token, such as "0.0000025"`, field);
    }
  }
  const { minContextLength } = filter;
  if (minContextLength !== undefined && (!Number.isSafeInteger(minContextLength) || minContextLength < 0)) {
    throw invalidRequest("minContextLength must be a non-negative integer", "minContextLength");
  }
}

/** Escapes `%`, `_` and `\` so user text is matched literally by ILIKE (whose default escape is `\`). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
