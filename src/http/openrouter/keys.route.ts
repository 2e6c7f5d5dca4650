import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayServices } from "../../app/services.js";
import { isOperator, requireManagementPrincipal } from "../../accounts/require-principal.js";
import { invalidRequest } from "../../core/errors.js";
import { parseBody, parseCreateKeyBody } from "./key-inputs.js";
import { serializeKeyInfo } from "./serialize-key.js";

/** OpenRouter pages `/keys` by 100. */
const PAGE_SIZE = 100;

const listQuery = z.object({
  include_disabled: z.enum(["true", "false"]).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  /** Restricts the list to one account (OpenRouter's workspace). */
  workspace_id: z.string().min(1).optional(),
});

/**
 * `GET /api/v1/keys` and `POST /api/v1/keys`, for management keys only (403 otherwise). A management key sees
 * every account's API keys (`workspace_id` narrows to one account) and names the account to create in with
 * `workspace_id`. `POST` answers 201 with the plaintext `key`, the only time it is shown.
 */
export function registerKeysRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/keys", async (request) => {
    const principal = requireManagementPrincipal(await services.authenticate(request.headers.authorization));
    const query = parseBody(listQuery, request.query);
    const keys = await services.keys.list(principal, {
      accountId: query.workspace_id,
      includeDisabled: query.include_disabled === "true",
      offset: query.offset ?? 0,
      limit: PAGE_SIZE,
    });
    return { data: keys.map(serializeKeyInfo) };
  });

  app.post("/keys", async (request, reply) => {
    const principal = requireManagementPrincipal(await services.authenticate(request.headers.authorization));
    const input = parseCreateKeyBody(request.body);
    if (isOperator(principal) && input.accountId === undefined) {
      throw invalidRequest("A management key must name the account to create the key in (workspace_id)", "workspace_id");
    }
    const created = await services.keys.create(principal, input);
    return reply.code(201).send({ data: serializeKeyInfo(created.key), key: created.plaintext });
  });
}
