import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayServices } from "../../app/services.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { toUsdNumber } from "../../billing/money.js";
import { parseBody } from "./key-inputs.js";

const creditsQuery = z.object({ workspace_id: z.string().min(1).optional() });

/**
 * `GET /api/v1/credits`: `total_credits` (everything credited: purchases, top-ups, grants, net of fees,
 * refunds and adjustments) and `total_usage` (inference charged), so that `total_credits - total_usage` is the
 * balance. OpenRouter answers it for management keys; a self-hosted gateway's users want their balance too,
 * so any key gets its own account's figures. An operator key names an account with `workspace_id`, or gets
 * the totals over every account.
 */
export function registerCreditsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/credits", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const query = parseBody(creditsQuery, request.query);
    const accountId = query.workspace_id ?? principal.accountId;
    if (accountId === null) {
      const totals = await services.ledger.totals();
      return { data: { total_credits: toUsdNumber(totals.balance + totals.usage), total_usage: toUsdNumber(totals.usage) } };
    }
    const account = await services.accounts.get(principal, accountId);
    const figures = await services.ledger.balanceOf(account.id);
    return { data: { total_credits: toUsdNumber(figures.balance + figures.usage), total_usage: toUsdNumber(figures.usage) } };
  });
}
