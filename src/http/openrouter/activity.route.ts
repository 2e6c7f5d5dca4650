import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayServices } from "../../app/services.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { toUsdNumber } from "../../billing/money.js";
import { activityRows } from "../../usage/activity.js";
import { parseBody } from "./key-inputs.js";

const activityQuery = z.object({
  date: z.string().min(1).optional(),
  api_key_hash: z.string().min(1).max(200).optional(),
  workspace_id: z.string().min(1).optional(),
});

/**
 * `GET /api/v1/activity`: usage of the last 30 completed UTC days (or one of them, `date`), one row per date,
 * model and endpoint, from the daily rollup. https://openrouter.ai/docs/api-reference/get-user-activity
 * OpenRouter answers it for management keys; here, as with `/credits`, an API key gets its own account's
 * activity, and an operator every account's (or one account's, `workspace_id`). `api_key_hash` narrows to one
 * key (another account's key simply matches nothing). No bring-your-own-key spend exists, so
 * `byok_usage_inference` is 0.
 */
export function registerActivityRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/activity", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const query = parseBody(activityQuery, request.query);
    // Records still queued for their batch are written first, so a request that ended is counted.
    await services.generations.writeQueued();
    const rows = await activityRows(services.database.db, {
      principal,
      now: Date.now(),
      date: query.date,
      keyHash: query.api_key_hash,
      accountId: query.workspace_id,
    });
    return {
      data: rows.map((row) => ({
        date: row.date,
        model: row.model,
        model_permaslug: row.modelPermaslug,
        endpoint_id: row.endpointId,
        provider_name: row.providerName,
        usage: toUsdNumber(row.figures.cost),
        byok_usage_inference: 0,
        requests: row.figures.requests,
        prompt_tokens: row.figures.promptTokens,
        completion_tokens: row.figures.completionTokens,
        reasoning_tokens: row.figures.reasoningTokens,
      })),
    };
  });
}
