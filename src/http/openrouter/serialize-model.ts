import type { ModelListing } from "../../catalog/model-query.js";
import type { ModelRow } from "../../db/schema/index.js";
import type { OpenRouterPricing } from "./serialize-pricing.js";
import { serializePricing } from "./serialize-pricing.js";

/**
 * OpenRouter's Model object (`GET /api/v1/models`), filled with everything the catalog knows. Field meanings:
 * https://openrouter.ai/docs/guides/overview/models and the `Model` schema of OpenRouter's OpenAPI file.
 */
export interface OpenRouterModel {
  id: string;
  canonical_slug: string;
  hugging_face_id: string | null;
  name: string;
  created: number;
  description: string;
  context_length: number;
  architecture: OpenRouterArchitecture;
  pricing: OpenRouterPricing;
  top_provider: { context_length: number; max_completion_tokens: number | null; is_moderated: boolean };
  per_request_limits: null;
  supported_parameters: string[];
  default_parameters: OpenRouterDefaultParameters | null;
  supported_voices: null;
  reasoning?: OpenRouterReasoning;
  knowledge_cutoff: string | null;
  expiration_date: null;
  links: { details: string };
}

export interface OpenRouterArchitecture {
  /** `"text+image->text"`: input modalities joined by `+`, an arrow, output modalities. */
  modality: string;
  input_modalities: string[];
  output_modalities: string[];
  tokenizer: string;
  instruct_type: string | null;
}

export interface OpenRouterDefaultParameters {
  temperature: number | null;
  top_p: number | null;
  top_k: number | null;
  frequency_penalty: number | null;
  presence_penalty: number | null;
  repetition_penalty: number | null;
}

export interface OpenRouterReasoning {
  mandatory: boolean;
  supported_efforts: string[] | null;
  default_effort?: string;
  supports_max_tokens: boolean;
}

/** The model's architecture block, shared by the model list and the endpoints listing. */
export function serializeArchitecture(model: ModelRow): OpenRouterArchitecture {
  return {
    modality: `${model.inputModalities.join("+")}->${model.outputModalities.join("+")}`,
    input_modalities: [...model.inputModalities],
    output_modalities: [...model.outputModalities],
    tokenizer: model.tokenizer,
    instruct_type: model.instructType,
  };
}

/** Unix seconds, as OpenRouter's `created`. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The display name of a listing: OpenRouter marks variants with a suffix such as ` (free)` or ` (thinking)`. */
export function listingName(model: ModelRow, variant: ModelListing["variant"]): string {
  return variant === "standard" ? model.name : `${model.name} (${variant})`;
}

/** The path of the listing's endpoints route, as OpenRouter's `links.details`. */
export function endpointsLink(listedId: string): string {
  return `/api/v1/models/${listedId}/endpoints`;
}

function serializeDefaultParameters(model: ModelRow): OpenRouterDefaultParameters | null {
  const parameters = model.defaultParameters;
  if (parameters === null) return null;
  return {
    temperature: parameters.temperature,
    top_p: parameters.topP,
    top_k: parameters.topK,
    frequency_penalty: parameters.frequencyPenalty,
    presence_penalty: parameters.presencePenalty,
    repetition_penalty: parameters.repetitionPenalty,
  };
}

function serializeReasoning(model: ModelRow): OpenRouterReasoning | undefined {
  const reasoning = model.reasoning;
  if (reasoning === null) return undefined;
  const out: OpenRouterReasoning = {
    mandatory: reasoning.mandatory,
    supported_efforts: reasoning.supportedEfforts,
    supports_max_tokens: reasoning.supportsMaxTokens,
  };
  // The contract types `default_effort` as an effort, not nullable: leave it out when there is none.
  if (reasoning.defaultEffort !== null) out.default_effort = reasoning.defaultEffort;
  return out;
}

/**
 * One listing (a model, or its `:free` variant) as an OpenRouter Model. `pricing` and `top_provider` are the
 * listing's top (cheapest) endpoint, `context_length` the longest context among its endpoints (OpenRouter's
 * distinction between the two). We do not moderate, keep no per-request limits and serve no voices, hence
 * `is_moderated: false`, `per_request_limits: null`, `supported_voices: null`; the catalog has no expiry.
 */
export function serializeModel(listing: ModelListing): OpenRouterModel {
  const { model, top } = listing;
  const out: OpenRouterModel = {
    id: listing.listedId,
    canonical_slug: model.canonicalSlug,
    hugging_face_id: model.huggingFaceId,
    name: listingName(model, listing.variant),
    created: unixSeconds(model.releasedAt),
    description: model.description,
    context_length: listing.contextLength,
    architecture: serializeArchitecture(model),
    pricing: serializePricing(listing.pricing),
    top_provider: {
      context_length: top.contextLength,
      max_completion_tokens: top.maxCompletionTokens,
      is_moderated: false,
    },
    per_request_limits: null,
    supported_parameters: [...model.supportedParameters],
    default_parameters: serializeDefaultParameters(model),
    supported_voices: null,
    knowledge_cutoff: model.knowledgeCutoff,
    expiration_date: null,
    links: { details: endpointsLink(listing.listedId) },
  };
  const reasoning = serializeReasoning(model);
  if (reasoning !== undefined) out.reasoning = reasoning;
  return out;
}
