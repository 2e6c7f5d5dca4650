import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayServices } from "../../app/services.js";
import { toUsdNumber } from "../../billing/money.js";
import { invalidRequest, notFound } from "../../core/errors.js";
import type { GenerationRow } from "../../db/schema/index.js";
import { requirePrincipal } from "./serve-completion.js";

const query = z.object({ id: z.string().min(1) });

/** The scheme and host of the app's URL (`HTTP-Referer`), or "" when it sent none or it is not a URL. */
function originOf(referer: string | null): string {
  if (referer === null) return "";
  try {
    const origin = new URL(referer).origin;
    return origin === "null" ? "" : origin;
  } catch {
    return "";
  }
}

/** OpenRouter's generation object. https://openrouter.ai/docs/api-reference/get-a-generation */
export function generationBody(row: GenerationRow, providerName: (slug: string) => string): Record<string, unknown> {
  return {
    id: row.id,
    request_id: row.id,
    session_id: null,
    upstream_id: row.upstreamId,
    app_id: null,
    workspace_id: null,
    preset_id: null,
    response_cache_source_id: null,
    created_at: row.createdAt.toISOString(),
    latency: row.latencyMs,
    generation_time: row.generationTimeMs,
    moderation_latency: null,
    model: row.model,
    provider_name: row.providerName,
    router: null,
    provider_responses: row.providerResponses.map((attempt) => ({
      provider_name: providerName(attempt.provider),
      endpoint_id: String(attempt.endpointId),
      status: attempt.status,
      latency: attempt.latencyMs,
      error_type: attempt.errorType,
    })),
    data_region: "global",
    service_tier: null,
    is_byok: row.isByok,
    web_search_engine: null,
    api_type: row.apiType,
    streamed: row.streamed,
    cancelled: row.cancelled,
    origin: originOf(row.httpReferer),
    http_referer: row.httpReferer,
    user_agent: row.userAgent,
    /** Not in OpenRouter's object (it keeps titles per registered app): the `X-Title` the request sent. */
    app_title: row.appTitle,
    external_user: row.externalUser,
    tokens_prompt: row.tokensPrompt,
    tokens_completion: row.tokensCompletion,
    native_tokens_prompt: row.tokensPrompt,
    native_tokens_completion: row.tokensCompletion,
    native_tokens_reasoning: row.tokensReasoning,
    native_tokens_cached: row.tokensCached,
    native_tokens_completion_images: 0,
    num_media_prompt: null,
    num_media_completion: null,
    num_input_audio_prompt: null,
    num_search_results: null,
    num_fetches: null,
    finish_reason: row.finishReason,
    native_finish_reason: row.nativeFinishReason,
    total_cost: toUsdNumber(row.totalCost),
    usage: toUsdNumber(row.totalCost),
    cache_discount: null,
    upstream_inference_cost: row.upstreamInferenceCost === null ? null : toUsdNumber(row.upstreamInferenceCost),
    // The gateway's own fields: what the upstream reported beyond the request's hold (a server that ignores
    // max_tokens), and what that usage cost beyond the charge, which is capped at the hold.
    overshoot_tokens: row.overshootTokens,
    uncharged_cost: toUsdNumber(row.unchargedCost),
  };
}

/** `GET /api/v1/generation?id=gen-...`: one generation of the caller's own account. */
export function registerGenerationRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/generation", async (request) => {
    const principal = await requirePrincipal(services, request);
    const parsed = query.safeParse(request.query);
    if (!parsed.success) throw invalidRequest("Query parameter id is required", "id");
    const row = await services.generations.find(parsed.data.id);
    const visible = row !== undefined && (principal.kind === "management" || row.accountId === principal.accountId);
    if (!visible) throw notFound(`Generation ${parsed.data.id} not found`);
    const providers = services.catalog.snapshot().providers;
    return { data: generationBody(row, (slug) => providers.get(slug)?.name ?? slug) };
  });
}
