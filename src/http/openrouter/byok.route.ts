import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayServices } from "../../app/services.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { parseBody } from "./key-inputs.js";
import { serializeByokKey } from "./serialize-byok-key.js";

const createBody = z.object({
  provider: z.string().min(1).max(100),
  key: z.string().min(1).max(1000),
  name: z.string().max(100).optional(),
  allow_fallback: z.boolean().optional(),
  is_fallback: z.boolean().optional(),
  disabled: z.boolean().optional(),
  /** Operators name the account (`workspace_id`, OpenRouter's name, or `account_id`); an API key's own otherwise. */
  account_id: z.string().min(1).optional(),
  workspace_id: z.string().min(1).optional(),
});

const updateBody = z.object({
  key: z.string().min(1).max(1000).optional(),
  name: z.string().max(100).optional(),
  allow_fallback: z.boolean().optional(),
  is_fallback: z.boolean().optional(),
  disabled: z.boolean().optional(),
});

const listQuery = z.object({ account_id: z.string().min(1).optional(), workspace_id: z.string().min(1).optional() });

/**
 * Bring your own key under `/api/v1/byok`: `GET` lists, `POST` stores (or replaces) the key for one provider
 * (201 when new, 200 when replaced), `GET`/`PATCH`/`DELETE /byok/{id}`. An API key manages its own account's
 * keys; a management key any account's (`account_id`). Answers never carry the key, only its masked label.
 * https://openrouter.ai/docs/guides/overview/auth/byok
 */
export function registerByokRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get("/byok", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const query = parseBody(listQuery, request.query);
    const keys = await services.byok.list(principal, query.account_id ?? query.workspace_id);
    return { data: keys.map(serializeByokKey), total_count: keys.length };
  });

  app.post("/byok", async (request, reply) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const body = parseBody(createBody, request.body);
    const { key, created } = await services.byok.put(principal, {
      accountId: body.account_id ?? body.workspace_id,
      provider: body.provider,
      key: body.key,
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.allow_fallback === undefined ? {} : { allowFallback: body.allow_fallback }),
      ...(body.is_fallback === undefined ? {} : { isFallback: body.is_fallback }),
      ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
    });
    return reply.code(created ? 201 : 200).send({ data: serializeByokKey(key) });
  });

  app.get<{ Params: { id: string } }>("/byok/:id", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    return { data: serializeByokKey(await services.byok.get(principal, request.params.id)) };
  });

  app.patch<{ Params: { id: string } }>("/byok/:id", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    const body = parseBody(updateBody, request.body);
    const view = await services.byok.update(principal, request.params.id, {
      ...(body.key === undefined ? {} : { key: body.key }),
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.allow_fallback === undefined ? {} : { allowFallback: body.allow_fallback }),
      ...(body.is_fallback === undefined ? {} : { isFallback: body.is_fallback }),
      ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
    });
    return { data: serializeByokKey(view) };
  });

  app.delete<{ Params: { id: string } }>("/byok/:id", async (request) => {
    const principal = requirePrincipal(await services.authenticate(request.headers.authorization));
    await services.byok.remove(principal, request.params.id);
    return { deleted: true as const };
  });
}
